import { afterEach, describe, expect, it } from "vitest";
import {
  AbortedError,
  WebshClosedError,
  WebshHandshakeError,
  type WebshSession,
} from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({ servers: 2 });
const opened: WebshSession[] = [];

async function open() {
  const [server] = env.serverIds(1);
  const session = await env.client().websh.open({ server: server! });
  opened.push(session);
  return session;
}

afterEach(async () => {
  env.sandbox.control.clearFaults();
  await Promise.all(opened.splice(0).map((session) => session.close().catch(() => undefined)));
});

describe("WebshClosedError", () => {
  it("a lost connection keeps its code, reason and consequence; the running command may have run", async () => {
    env.sandbox.control.addFault({ kind: "ws-drop", afterFrames: 2 });
    const shell = await open();
    const error: WebshClosedError = await shell
      .exec("echo a; sleep 1; echo b")
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(WebshClosedError);
    expect(error.clean).toBe(false);
    expect(error.code).not.toBe(1000);
    expect(typeof error.reason).toBe("string");
    expect(error.during).toBe("the command may have run partly; its result is unknown");
    expect(error.mayHaveTakenEffect).toBe(true);
    expect(error.hint).toBe("Open a new session to continue");
    expect(error.message.endsWith(`${error.hint}.`)).toBe(true);
  });

  it("a command that was never sent took no effect", async () => {
    const shell = await open();
    await shell.close();
    const error: WebshClosedError = await shell.exec("echo never").catch((caught) => caught);
    expect(error).toBeInstanceOf(WebshClosedError);
    expect(error.during).toBe("nothing was sent");
    expect(error.mayHaveTakenEffect).toBe(false);
  });

  it("words the close reason the server gave", () => {
    const error = new WebshClosedError(4403, "token expired");
    expect(error).toMatchObject({ code: 4403, reason: "token expired", clean: false });
    expect(error.during).toBeUndefined();
    expect(error.message).toMatch(/close code 4403: token expired/);
  });
});

describe("AbortedError from exec", () => {
  it("says a running command may have run, and a command aborted before sending did not", async () => {
    const shell = await open();
    const controller = new AbortController();
    const running = shell.exec("sleep 30", { signal: controller.signal }).catch((e) => e);
    setTimeout(() => controller.abort(), 100);
    const stopped: AbortedError = await running;
    expect(stopped).toBeInstanceOf(AbortedError);
    expect(stopped.mayHaveTakenEffect).toBe(true);

    const early: AbortedError = await shell
      .exec("echo never", { signal: AbortSignal.abort() })
      .catch((e) => e);
    expect(early).toBeInstanceOf(AbortedError);
    expect(early.mayHaveTakenEffect).toBe(false);
  });
});

describe("WebshHandshakeError", () => {
  it("keeps the status and the detail", () => {
    const error = new WebshHandshakeError(403, "upgrade refused");
    expect(error).toMatchObject({ status: 403, detail: "upgrade refused" });
    expect(error.hint).toMatch(/open a new session/);
    expect(error.message).toBe(
      `The websh server refused the connection (HTTP 403): upgrade refused. ${error.hint}.`,
    );
  });
});
