import { sha256Hex } from './sha256.ts';

const MAX = 63;
const SUFFIX_HEX = 10;

/**
 * The Kubernetes name of a destination's gateway, derived from its normalised host.
 *
 * Encoding: every "-" becomes "--" and every "." becomes "-". Host labels never start or end with a
 * hyphen, so a single "-" in the result is always a dot and an even run is always hyphens: the mapping
 * is injective, and two hosts never share a gateway name. Service names must start with a letter, so a
 * host starting with a digit gets the prefix "gw---" (a run of three hyphens, which the encoding never
 * produces). Names longer than 63 characters are cut and given a suffix of the host's SHA-256, so they
 * stay stable and distinct. The suffix is joined by "---" too: were it a single "-", a cut name would be
 * the plain encoding of another host (the cut head plus a label of ten hex digits) and the two would
 * share a gateway. A plain name has a "---" run only in its "gw---" prefix; a cut name has one before
 * its suffix. Creating a destination also refuses a gateway name already in use, as a last guard.
 */
export function gatewayNameFor(host: string): string {
  const encoded = host.replaceAll('-', '--').replaceAll('.', '-');
  const name = /^[0-9]/.test(encoded) ? `gw---${encoded}` : encoded;
  if (name.length <= MAX) return name;
  const head = name.slice(0, MAX - SUFFIX_HEX - 3).replace(/-+$/, '');
  return `${head}---${sha256Hex(host).slice(0, SUFFIX_HEX)}`;
}
