/** A label selector as chips: "app=payments". */
export function LabelChips({ labels }: { labels: Record<string, string> }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="chips" aria-label="Selector labels">
      {entries.map(([k, v]) => (
        <li key={k} className="chip">
          <span className="chip-key">{k}</span>=<span className="chip-value">{v}</span>
        </li>
      ))}
    </ul>
  );
}
