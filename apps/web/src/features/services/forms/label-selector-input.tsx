// A selector typed as "app=payments, tier=web" (the shared schema judges the keys and values).
import { ParsedTextInput, type ParsedTextInputProps } from '../../../components/ui/parsed-text-input.tsx';

export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(/[,\n]/)) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    const key = (eq >= 0 ? trimmed.slice(0, eq) : trimmed).trim();
    labels[key] = eq >= 0 ? trimmed.slice(eq + 1).trim() : '';
  }
  return labels;
}

export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

export function LabelSelectorInput(props: ParsedTextInputProps<Record<string, string>>) {
  return (
    <ParsedTextInput
      {...props}
      parse={parseLabels}
      format={formatLabels}
      placeholder="app=payments, tier=web"
    />
  );
}
