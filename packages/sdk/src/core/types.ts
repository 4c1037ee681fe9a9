import type { components, operations } from "../generated/openapi.js";

export type Schemas = components["schemas"];
export type OperationId = keyof operations;

/** The query parameters of an operation, by operationId. */
export type QueryOf<Op extends OperationId> = NonNullable<operations[Op]["parameters"]["query"]>;

/** The JSON request body of an operation, by operationId. */
export type BodyOf<Op extends OperationId> = operations[Op] extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : never;
