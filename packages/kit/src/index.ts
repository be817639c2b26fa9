import "reflect-metadata";

export * from "./access";
export * from "./apollo";
export * from "./config";
export * from "./dataloader";
export * from "./errors";
export * from "./federation";
export * from "./http";
export * from "./identity";
export * from "./input-guards";
export * from "./logger";
export * from "./metrics";
export * from "./orm";
export * from "./pagination";
export * from "./scopes";
export * from "./secrets";
export * from "./subgraph";
