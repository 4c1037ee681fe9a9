import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MFA_CLAIM } from "../../src/index.js";
import { useSandbox } from "../helpers/sandbox.js";
import { claimsOf, pkce, post } from "./helpers.js";

const h = useSandbox({ servers: 3, seed: 13 });
const CLIENT_CALLBACK = "http://127.0.0.1:9/client-callback";

/**
 * A stand-in for the reference server's OAuth proxy (`alpacon-mcp@22fc34c:utils/oauth.py`), just
 * enough of it to run its two-stage MFA flow (`docs/mfa-reauth-flow.md`) against the sandbox's
 * identity provider: stage 1 asks the MFA audience, stage 2 the API audience silently.
 */
let proxy: Server;
let proxyUrl = "";
let proxyClient = { clientId: "", clientSecret: "" };

beforeAll(async () => {
  proxy = createServer((req, res) => {
    void (async () => {
      const idp = h.sandbox.idp();
      const url = new URL(req.url ?? "/", proxyUrl);
      const go = (to: string) => res.writeHead(302, { Location: to }).end();
      const toIdp = (params: Record<string, string>) =>
        go(
          `${idp.authorizationEndpoint}?${new URLSearchParams({
            response_type: "code",
            client_id: proxyClient.clientId,
            redirect_uri: `${proxyUrl}/cb`,
            ...params,
          })}`,
        );
      if (url.pathname === "/oauth/authorize") {
        const scope = (url.searchParams.get("scope") ?? "").split(" ");
        const stage2 = {
          challenge: url.searchParams.get("code_challenge") ?? "",
          redirect: url.searchParams.get("redirect_uri") ?? "",
          state: url.searchParams.get("state") ?? "",
        };
        if (!scope.includes("mfa")) throw new Error("this stand-in only runs the MFA flow");
        return toIdp({
          audience: idp.mfaAudience,
          scope: "enroll read:authenticators",
          state: JSON.stringify({ stage: "mfa", ...stage2 }),
        });
      }
      const state = JSON.parse(url.searchParams.get("state") ?? "{}");
      if (state.stage === "mfa") {
        // Exchange the MFA code and discard the token, as the reference does.
        const mfa = await post(idp.tokenEndpoint, {
          grant_type: "authorization_code",
          client_id: proxyClient.clientId,
          client_secret: proxyClient.clientSecret,
          code: url.searchParams.get("code") ?? "",
          redirect_uri: `${proxyUrl}/cb`,
        });
        if (mfa.status !== 200) throw new Error(`stage 1 exchange: ${mfa.status}`);
        return toIdp({
          audience: idp.audience,
          scope: "openid profile email offline_access",
          code_challenge: state.challenge,
          code_challenge_method: "S256",
          state: JSON.stringify({ ...state, stage: "regular" }),
        });
      }
      const back = new URL(state.redirect);
      back.searchParams.set("code", url.searchParams.get("code") ?? "");
      back.searchParams.set("state", state.state);
      go(back.toString());
    })().catch((err) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

describe("the reference's two-stage MFA re-authorization", () => {
  it("MFA on the MFA audience, then a silent login with the API audience, gives a token the MFA gate accepts", async () => {
    const idp = h.sandbox.idp();
    const registered = idp.registerClient({ redirectUris: [`${proxyUrl}/cb`] });
    proxyClient = {
      clientId: registered.clientId,
      clientSecret: registered.clientSecret as string,
    };
    const ws = h.sandbox.control.workspace("ap1", "acme");
    const member = ws.users().find((u) => !u.is_staff && u.is_active)?.username as string;
    const { verifier, challenge } = pkce();
    const start = `${proxyUrl}/oauth/authorize?${new URLSearchParams({
      response_type: "code",
      redirect_uri: CLIENT_CALLBACK,
      state: "client-state",
      code_challenge: challenge,
      code_challenge_method: "S256",
      scope: "openid offline_access mfa",
    })}`;
    // Without MFA the first stage refuses the login.
    await expect(
      idp.authorize(start, { username: member, stopAt: CLIENT_CALLBACK }),
    ).rejects.toThrow(/requires MFA/);
    const landed = new URL(
      await idp.authorize(start, { username: member, mfa: "otp", stopAt: CLIENT_CALLBACK }),
    );
    expect(landed.searchParams.get("state")).toBe("client-state");
    const tokens = await post(idp.tokenEndpoint, {
      grant_type: "authorization_code",
      client_id: proxyClient.clientId,
      client_secret: proxyClient.clientSecret,
      code: landed.searchParams.get("code") ?? "",
      code_verifier: verifier,
      redirect_uri: `${proxyUrl}/cb`,
    });
    expect(tokens.status).toBe(200);
    const claims = claimsOf(tokens.body.access_token);
    expect(claims.aud).toContain(idp.audience);
    expect(claims[MFA_CLAIM]).toEqual({ otp: expect.any(String) });

    ws.setGates({ mfaRequired: true });
    try {
      const server = ws.servers().find((s) => s.is_connected && s.os_name !== "Windows")?.id;
      const api = h.api().withAuthorization(`Bearer ${tokens.body.access_token}`);
      const res = await api.post("/api/events/commands/", { server, line: "uptime" });
      expect(res.status).toBe(201);
    } finally {
      ws.setGates({ mfaRequired: false });
    }
  });
});
