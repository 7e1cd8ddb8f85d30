// esbuild's text loader (scripts/build-client.mjs): importing a .py file gives its source as a string.
declare module '*.py' {
  const source: string;
  export default source;
}

// Set by scripts/build-client.mjs: uncompressed bytes of pyodide.asm.wasm + python_stdlib.zip, the progress total.
declare const __PYODIDE_DOWNLOAD_BYTES__: number;
