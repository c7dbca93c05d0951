// TextEncoder exists in every runtime we target (browsers, Node.js) but not in the ES library typings
// this isomorphic package compiles against.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

// punycode.js (the userland package, not Node's deprecated built-in) ships no typings.
declare module 'punycode/punycode.es6.js' {
  export function toASCII(domain: string): string;
  export function toUnicode(domain: string): string;
}
