import type http from "node:http";
import type { Express } from "express";

/**
 * Sockets per client IP that have not signed in as a user or API key: open but not yet through
 * connection_init, or signed in as nobody. Each costs memory and a share of the event fan-out
 * while proving nothing about who holds it, so one address may have only so many.
 */
export class UnauthenticatedSockets {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxPerIp: number) {}

  full(ip: string): boolean {
    return (this.counts.get(ip) ?? 0) >= this.maxPerIp;
  }

  /** Counts one socket of this IP; the returned function uncounts it (once, however often called). */
  add(ip: string): () => void {
    this.counts.set(ip, (this.counts.get(ip) ?? 0) + 1);
    let counted = true;
    return () => {
      if (!counted) return;
      counted = false;
      const left = (this.counts.get(ip) ?? 1) - 1;
      if (left > 0) this.counts.set(ip, left);
      else this.counts.delete(ip);
    };
  }
}

/**
 * The client address of an upgrade request exactly as Express's `req.ip` gives it for HTTP
 * requests (the app's trust-proxy setting, TRUST_PROXY), so sockets and requests from one client
 * share its limits.
 */
export function clientIp(app: Express, request: http.IncomingMessage): string {
  const view = Object.create(app.request, { socket: { value: request.socket }, headers: { value: request.headers } }) as { ip?: string };
  return view.ip ?? "unknown";
}
