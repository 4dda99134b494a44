// Every call to the REST API goes through here: the key as a header, errors as ApiFailure.

/** An answer other than 2xx, with the API's own code and message (`{"error":{code,message}}`). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** "403 ERR_AUTH_FORBIDDEN: this key lacks …", as the page shows it. */
  describe(): string {
    return `${this.status} ${this.code}: ${this.message}`;
  }
}

async function failureOf(response: Response): Promise<ApiFailure> {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string; details?: unknown } };
    return new ApiFailure(response.status, error.code, error.message, error.details);
  } catch {
    return new ApiFailure(response.status, `HTTP_${response.status}`, text.slice(0, 200) || response.statusText);
  }
}

export class ApiClient {
  constructor(readonly key: string) {}

  get headers(): Record<string, string> {
    return { 'X-API-Key': this.key };
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { ...this.headers, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (error) {
      throw new ApiFailure(0, 'ERR_NETWORK', `the API did not answer (${(error as Error).message})`);
    }
    if (!response.ok) throw await failureOf(response);
    return (await response.json()) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
}

/** A path segment, escaped. */
export const seg = (value: string | number): string => encodeURIComponent(String(value));
