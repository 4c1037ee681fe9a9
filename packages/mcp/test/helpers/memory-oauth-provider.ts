// An MCP client's OAuth side as a native app keeps it, in memory: what the MCP SDK's
// `OAuthClientProvider` asks for (registration, PKCE verifier, tokens) and where it would open
// the browser. The redirect URI is a loopback address nothing listens on: the test browser stops
// there and hands the code over, as a native app's local listener would.

import { randomBytes } from "node:crypto";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";

export class MemoryOAuthProvider implements OAuthClientProvider {
  readonly redirectUrl = "http://127.0.0.1:9/callback";
  /** Where the client last sent the browser (cleared by the test to see the next one). */
  authorizationUrl: URL | undefined;
  information: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  private verifier = "";

  /** `keepRefreshToken: false`: a client that cannot refresh and must sign in again. */
  constructor(private readonly options: { keepRefreshToken?: boolean } = {}) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "oauth test client",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  state() {
    return randomBytes(12).toString("hex");
  }
  clientInformation() {
    return this.information;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.information = information;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    const { refresh_token: _dropped, ...rest } = tokens;
    this.saved = this.options.keepRefreshToken === false ? rest : tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}
