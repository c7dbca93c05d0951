// The teams a webhook is limited to, typed as "payments, search" (the shared schema judges each name, like
// a service's team).
import { ParsedTextInput, type ParsedTextInputProps } from '../../../components/ui/parsed-text-input.tsx';

export function parseTeams(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

export function TeamsInput(props: ParsedTextInputProps<string[]>) {
  return (
    <ParsedTextInput
      {...props}
      parse={parseTeams}
      format={(teams) => teams.join(', ')}
      placeholder="payments, search"
    />
  );
}
