import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { FileHarness } from "./file-harness.js";
import type { ConnectOptions } from "./harness.js";

/** A client whose user answers every confirmation with yes, keeping the questions asked. */
export async function confirmingClient(h: FileHarness, options: ConnectOptions = {}) {
  const questions: string[] = [];
  const { client } = await h.connect(
    { ...options, confirm: "elicit" },
    { elicitation: { form: {} } },
  );
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    questions.push(request.params.message);
    return { action: "accept", content: { confirm: true } };
  });
  return { client, questions };
}
