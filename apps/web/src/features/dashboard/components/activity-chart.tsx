import type { GrantActivity } from '@egress/shared';

type DayActivity = GrantActivity['days'][number];

const H = 120;
const W = 600;
const GAP = 2;

/** Requests (left bar) and decisions (right bar: approved, with rejected stacked on top) per day. */
export function ActivityChart({ days }: { days: DayActivity[] }) {
  const max = Math.max(1, ...days.map((d) => Math.max(d.requested, d.approved + d.rejected)));
  const slot = W / Math.max(1, days.length);
  const bar = Math.max(2, slot / 2 - GAP);
  const y = (v: number) => (v / max) * H;
  const totals = days.reduce(
    (t, d) => ({
      requested: t.requested + d.requested,
      approved: t.approved + d.approved,
      rejected: t.rejected + d.rejected,
    }),
    { requested: 0, approved: 0, rejected: 0 },
  );
  const summary = `${days.length} days: ${totals.requested} requests, ${totals.approved} approved, ${totals.rejected} rejected`;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${H + 18}`}
        width="100%"
        role="img"
        aria-label={`Requests and decisions per day. ${summary}.`}
      >
        <line x1={0} y1={H} x2={W} y2={H} className="axis" />
        {days.map((d, i) => {
          const x = i * slot + GAP;
          return (
            <g key={d.date}>
              <title>{`${d.date}: ${d.requested} requested, ${d.approved} approved, ${d.rejected} rejected`}</title>
              <rect
                x={x}
                y={H - y(d.requested)}
                width={bar}
                height={y(d.requested)}
                className="bar-requested"
              />
              <rect
                x={x + bar}
                y={H - y(d.approved)}
                width={bar}
                height={y(d.approved)}
                className="bar-approved"
              />
              <rect
                x={x + bar}
                y={H - y(d.approved) - y(d.rejected)}
                width={bar}
                height={y(d.rejected)}
                className="bar-rejected"
              />
              {(i % 7 === 0 && i < days.length - 4) || i === days.length - 1 ? (
                <text
                  x={i === days.length - 1 ? x + bar * 2 : x}
                  y={H + 13}
                  className="tick"
                  textAnchor={i === days.length - 1 ? 'end' : 'start'}
                >
                  {d.date.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend muted small">
        <span className="legend-item">
          <span className="swatch bar-requested" /> requested ({totals.requested})
        </span>
        <span className="legend-item">
          <span className="swatch bar-approved" /> approved ({totals.approved})
        </span>
        <span className="legend-item">
          <span className="swatch bar-rejected" /> rejected ({totals.rejected})
        </span>
        <span>max {max}/day</span>
      </figcaption>
      <details className="small">
        <summary>Show as a table</summary>
        <table className="table compact">
          <caption className="sr-only">Requests and decisions per day</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="num">
                Requested
              </th>
              <th scope="col" className="num">
                Approved
              </th>
              <th scope="col" className="num">
                Rejected
              </th>
            </tr>
          </thead>
          <tbody>
            {days
              .filter((d) => d.requested + d.approved + d.rejected > 0)
              .map((d) => (
                <tr key={d.date}>
                  <td>{d.date}</td>
                  <td className="num">{d.requested}</td>
                  <td className="num">{d.approved}</td>
                  <td className="num">{d.rejected}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
