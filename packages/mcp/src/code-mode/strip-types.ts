import { transform } from "sucrase";

/**
 * TypeScript without its types, by sucrase (maintained, no native parts, no install scripts):
 * annotations, interfaces and casts go, line numbers stay, and nothing else is compiled (the
 * interpreter runs modern JavaScript as it is). A syntax error comes back as a message.
 */
export function stripTypes(code: string): string {
  return transform(code, {
    transforms: ["typescript"],
    disableESTransforms: true,
    keepUnusedImports: true,
  }).code;
}
