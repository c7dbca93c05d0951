// What checking every answer against its schema costs the typed client (@egress/shared endpoints-client):
// JSON.parse alone against JSON.parse plus the endpoint's response schema, for grant pages of the sizes
// the console (50) and egressctl and fetchAll (500) ask for. Prints medians of 500 rounds.
//
//   cd apps/cli && npx tsx ../../bench/client/parse.ts   (tsx from any package that has it)
import { endpoints } from '../../packages/shared/src/index.ts';

function grant(i: number) {
  const hex = i.toString(16).padStart(12, '0');
  return {
    id: `0b7f9a52-3c1e-4a57-9a7e-${hex}`,
    service: `service-${i % 300}`,
    serviceId: `1c2d3e4f-5a6b-4c7d-8e9f-${hex}`,
    serviceNamespace: `team-${i % 40}`,
    destination: `api-${i % 900}.example.com`,
    destinationId: `2d3e4f5a-6b7c-4d8e-9f0a-${hex}`,
    destinationSensitivity: i % 7 === 0 ? 'sensitive' : 'standard',
    port: 443,
    state: i % 3 === 0 ? 'pending' : 'active',
    justification: 'the nightly export sends invoices to the accounting provider',
    requestedBy: `dev${i % 50}@example.com`,
    requestedAt: '2026-12-07T08:00:00.000Z',
    expiresAt: null,
    approvals:
      i % 3 === 0 ? [] : [{ approver: 'sec@example.com', at: '2026-12-07T09:00:00.000Z', comment: null }],
    requiredApprovals: 1,
    decidedAt: null,
    decidedBy: null,
    reason: null,
  };
}

function median(run: () => void, rounds: number): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

const schema = endpoints.listGrants.response;
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
for (const size of [50, 500]) {
  const text = JSON.stringify({ items: Array.from({ length: size }, (_, i) => grant(i)), nextCursor: 'abc' });
  for (let i = 0; i < 50; i++) schema.parse(JSON.parse(text)); // warm-up
  const json = median(() => JSON.parse(text), 500);
  const checked = median(() => schema.parse(JSON.parse(text)), 500);
  console.log(
    `listGrants page of ${String(size).padStart(3)} (${(text.length / 1024).toFixed(0)} KB): JSON.parse ${json.toFixed(3)} ms, + schema ${checked.toFixed(3)} ms (${(checked - json).toFixed(3)} ms for the check)`,
  );
}
