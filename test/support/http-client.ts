/**
 * A small browser-like HTTP client for integration tests: keeps cookies, knows the session's CSRF
 * token, and never follows redirects on its own so tests can assert them.
 */
export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

interface RequestOptions {
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
}

export class HttpClient {
  private readonly cookies = new Map<string, string>();
  csrfToken = '';

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair.indexOf('=');
      this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
    const text = await response.text();
    const match = /name="(?:csrf-token|_csrf)" (?:content|value)="([^"]+)"/.exec(text);
    if (match) this.csrfToken = match[1];
    return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers });
  }

  /** Posts a form the way a page does, with the CSRF field. */
  postForm(path: string, form: Record<string, string>) {
    return this.request('POST', path, { form: { _csrf: this.csrfToken, ...form } });
  }

  /** Calls the JSON API the way page scripts do, with the CSRF header. */
  api(method: string, path: string, json?: unknown) {
    return this.request(method, path, { json, headers: { 'x-csrf-token': this.csrfToken } });
  }

  async login(username: string, password: string): Promise<HttpResponse> {
    await this.get('/login');
    const response = await this.postForm('/login', { username, password });
    if (response.status === 303) await this.get('/');
    return response;
  }
}
