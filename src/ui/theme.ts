// Semantic colours of the TUI. Meaning is always carried by words or symbols too; with colour
// off (NO_COLOR, --no-color) every colour is dropped. Shell (UI).

/** Semantic roles. */
export type Role = 'ok' | 'warn' | 'bad' | 'accent' | 'muted' | 'selected';

const COLORS: Record<Role, string> = {
  ok: 'green',
  warn: 'yellow',
  bad: 'red',
  accent: 'cyan',
  muted: 'gray',
  selected: 'cyan',
};

/** Text props for a role: `{ color }`, or nothing when colour is off. */
export type Paint = (role: Role) => { color?: string; dimColor?: boolean };

/** The paint function for a colour setting. */
export function makePaint(color: boolean): Paint {
  return (role) => (color ? { color: COLORS[role] } : {});
}

/** The role of a fix status. */
export function statusRole(status: string | undefined): Role {
  switch (status) {
    case 'compliant':
    case 'fixed':
      return 'ok';
    case 'review':
      return 'warn';
    case 'blocked':
      return 'bad';
    default:
      return 'muted';
  }
}
