// How alert windows and an alert's destinations read in tables and dialogs.
import type { Alert } from '@egress/shared';

/** The windows offered when creating or editing a rule (the API accepts 60 s to 1 day). */
export const WINDOW_PRESETS = [60, 300, 900, 3600, 6 * 3600, 86_400] as const;

/** 60 -> "1 min", 5400 -> "90 min", 3600 -> "1 h", 86400 -> "24 h", 90 -> "90 s". */
export function windowLabel(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The presets, plus a rule's current window when it is not one of them (set through the API). */
export function windowChoices(current?: number): number[] {
  const all = new Set<number>(WINDOW_PRESETS);
  if (current !== undefined) all.add(current);
  return [...all].sort((a, b) => a - b);
}

/** "github.com:443 ×12, 10.0.0.7:5432 ×3" and how many more are not named. */
export function topDestinations(alert: Pick<Alert, 'destinations'>, n = 3): { text: string; more: number } {
  const shown = alert.destinations.slice(0, n).map((d) => {
    const port = d.protocol === 'TCP' ? String(d.port) : `${d.port}/${d.protocol}`;
    return `${d.destination}:${port} ×${d.count}`;
  });
  return { text: shown.join(', '), more: Math.max(0, alert.destinations.length - n) };
}

/** The alert as one phrase, for dialog descriptions and accessible names. */
export function describeAlert(alert: Pick<Alert, 'ruleName' | 'service' | 'sourceNamespace'>): string {
  const who = alert.service ?? `unattributed flows in ${alert.sourceNamespace}`;
  return `${alert.ruleName}: ${who}`;
}
