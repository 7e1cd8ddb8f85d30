// esbuild's text loader (scripts/build-client.mjs): importing a .py file gives its source as a string.
declare module '*.py' {
  const source: string;
  export default source;
}
