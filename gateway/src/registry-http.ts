import { signServiceToken } from "@solo/kit";

/** The gateway's calls to the schema registry: its key, or else a platform service token. */
export interface RegistryHttp {
  request(path: string, init?: { method?: string; body?: unknown; timeoutMs?: number }): Promise<Response>;
}

export function registryHttp(options: { url: string; apiKey?: string }): RegistryHttp {
  return {
    async request(path, init = {}) {
      const headers: Record<string, string> = options.apiKey ? { "x-api-key": options.apiKey } : { authorization: `Bearer ${await signServiceToken("gateway")}` };
      if (init.body !== undefined) headers["content-type"] = "application/json";
      return fetch(new URL(path, options.url), {
        method: init.method ?? "GET",
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
      });
    },
  };
}
