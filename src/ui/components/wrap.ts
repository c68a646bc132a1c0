// Word wrap of one line to a width, continuation lines indented, so a scrolled view can count its
// rows exactly. Pure helper.

/** `text` cut into rows of at most `width` characters, at spaces where possible. */
export function wrapText(text: string, width: number, indent = '    '): string[] {
  const w = Math.max(10, width);
  const rows: string[] = [];
  let rest = text;
  let first = true;
  while (rest.length > 0) {
    const room = first ? w : w - indent.length;
    if (rest.length <= room) {
      rows.push((first ? '' : indent) + rest);
      break;
    }
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= room / 3) cut = room;
    rows.push((first ? '' : indent) + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    first = false;
  }
  return rows.length === 0 ? [''] : rows;
}
