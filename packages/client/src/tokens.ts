import { SoloRequestError } from "./errors";

/** A signed-in user's tokens, as login, register and refreshSession return them. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ISO-8601). */
  expiresAt?: string;
}

/**
 * Holds the tokens and refreshes them at most once at a time: requests and sockets that find the
 * same access token refused share one refresh, as the refresh token rotates (a reused one ends the login).
 */
export class TokenStore {
  private refreshing?: Promise<Tokens | undefined>;

  constructor(
    private tokens: Tokens | undefined,
    private readonly onChange: (tokens: Tokens | undefined) => void,
  ) {}

  get current(): Tokens | undefined {
    return this.tokens;
  }

  set(tokens: Tokens | undefined): void {
    this.tokens = tokens;
    this.onChange(tokens);
  }

  /**
   * New tokens in place of `refused` (the access token the API turned down); undefined when there
   * is no refresh token or the API refused it as UNAUTHENTICATED (the tokens are then cleared: sign
   * in again). Anything else (the network, a proxy's 502/503 page, RATE_LIMITED) rejects and keeps
   * the tokens: the refresh token may still be good.
   */
  refreshAfter(refused: string | undefined, refresh: (refreshToken: string) => Promise<Tokens>): Promise<Tokens | undefined> {
    const tokens = this.tokens;
    if (!tokens) return Promise.resolve(undefined);
    // Someone else refreshed since this access token was sent: use theirs.
    if (tokens.accessToken !== refused) return Promise.resolve(tokens);
    this.refreshing ??= refresh(tokens.refreshToken)
      .then(
        (fresh) => {
          this.set(fresh);
          return fresh;
        },
        (error: unknown) => {
          // Refused (expired, revoked, reused): this login is over. Anything else may pass: keep the tokens.
          if (!(error instanceof SoloRequestError && error.has("UNAUTHENTICATED"))) throw error;
          this.set(undefined);
          return undefined;
        },
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
