/** The gateway's request limits are the kit's, shared with every subgraph (with the gateway's numbers). */
export { bodyErrorHandler, exceedsTokenLimit, limitRules, requestShapeGuard, sendError, tokenLimitError } from "@solo/kit";
