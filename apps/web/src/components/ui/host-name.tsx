/**
 * A DNS name that wraps only between its labels, after a dot ("api.eu-central-1.\nexample.com"), never
 * inside one: each label is kept whole and a line may break after each dot. The text copies as typed.
 */
export function HostName({ host }: { host: string }) {
  const labels = host.split('.');
  return (
    <span className="host">
      {labels.map((label, i) => (
        <span key={i}>
          <span className="host-label">
            {label}
            {i < labels.length - 1 ? '.' : ''}
          </span>
          {i < labels.length - 1 ? <wbr /> : null}
        </span>
      ))}
    </span>
  );
}
