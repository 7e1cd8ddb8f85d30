/**
 * A minimal browser-like cookie jar for app.inject: keeps what Set-Cookie sets, drops what it clears, and sends the
 * rest back. Enough for sign-in round trips; paths and domains are not modelled (tests say which cookies to send).
 */
export class CookieJar {
  readonly cookies = new Map<string, { value: string; attributes: string }>();

  /** Applies a response's Set-Cookie headers; returns the raw headers for assertions. */
  update(res: { headers: Record<string, unknown> }): string[] {
    const raw = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []);
    for (const line of raw) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const attributes = attrs.join(';');
      const cleared = value === '' || /max-age=0\b/i.test(attributes) || /expires=Thu, 01 Jan 1970/i.test(attributes);
      if (cleared) this.cookies.delete(name);
      else this.cookies.set(name, { value, attributes });
    }
    return raw;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  header(only?: string[]): string {
    return [...this.cookies]
      .filter(([name]) => !only || only.includes(name))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }
}
