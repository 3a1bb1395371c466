/** Times shown to the person: local clock time, plus a relative phrase where "when" matters more. */

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(epochMs: number): string {
  return timeFormat.format(epochMs);
}

export function formatDateTime(epochMs: number): string {
  return dateTimeFormat.format(epochMs);
}

/** "in 25 s", "3 min ago", "now": rounded towards what a person reads at a glance. */
export function formatRelative(epochMs: number, now: number): string {
  const deltaSeconds = Math.round((epochMs - now) / 1000);
  const magnitude = Math.abs(deltaSeconds);
  if (magnitude < 1) return 'now';
  let amount: string;
  if (magnitude < 60) amount = `${magnitude} s`;
  else if (magnitude < 3600) amount = `${Math.round(magnitude / 60)} min`;
  else if (magnitude < 86_400) amount = `${Math.round(magnitude / 3600)} h`;
  else amount = `${Math.round(magnitude / 86_400)} d`;
  return deltaSeconds > 0 ? `in ${amount}` : `${amount} ago`;
}

/**
 * For something that has happened: "12 s ago", "just now". Never "in 3 s", even when main's clock and
 * this page's differ by a moment (the event is in the past by definition).
 */
export function formatPast(epochMs: number, now: number): string {
  if (epochMs >= now - 1000) return 'just now';
  return formatRelative(epochMs, now);
}
