import type { DocumentNode } from "graphql";
import { GraphQLError, Lexer, Source, TokenKind, parse } from "graphql";

/*
 * graphql-js parses (and validates, and walks) documents recursively: a document nested a few
 * thousand levels deep overflows the stack, and one of millions of tokens takes seconds. Every
 * document the registry is sent goes through parseBounded, which refuses both before parsing.
 */

export interface ParseLimits {
  maxTokens: number;
  /** Brackets, braces and parentheses open at once. */
  maxDepth: number;
}

/** A subgraph's SDL (at most 2 MiB): real ones nest a list type or an input literal a few levels. */
export const SDL_LIMITS: ParseLimits = { maxTokens: 1_000_000, maxDepth: 128 };
/** An operation (a trusted document, one the gateway saw): the gateway's own depth limits are far below. */
export const OPERATION_LIMITS: ParseLimits = { maxTokens: 100_000, maxDepth: 128 };

const OPENS = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSES = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/** parse(), after a pass of the lexer (iterative) that refuses too many tokens or too deep a nesting with a GraphQLError (a syntax error's kind). */
export function parseBounded(text: string, limits: ParseLimits, options: { name?: string; noLocation?: boolean } = {}): DocumentNode {
  const source = new Source(text, options.name);
  const lexer = new Lexer(source);
  let depth = 0;
  let tokens = 0;
  for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
    if (++tokens > limits.maxTokens) throw new GraphQLError(`the document has more than ${limits.maxTokens} tokens`, { source, positions: [token.start] });
    if (OPENS.has(token.kind) && ++depth > limits.maxDepth) {
      throw new GraphQLError(`the document nests more than ${limits.maxDepth} levels deep`, { source, positions: [token.start] });
    }
    if (CLOSES.has(token.kind)) depth = Math.max(0, depth - 1);
  }
  return parse(source, { noLocation: options.noLocation, maxTokens: limits.maxTokens });
}
