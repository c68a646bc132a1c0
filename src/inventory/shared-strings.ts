// Strings kept once and as their own copies: a large inventory or plan repeats the same values
// (container names, images, reasons) in every workload, and strings built by slicing or
// concatenation keep what they were built from alive. Pure.

/**
 * String values kept once, each as its own copy. A manifest estate repeats the same values in
 * every workload (`main`, `RuntimeDefault`, `100m`, an image, a name in four label places), and the
 * yaml library gives each scalar as a slice of the text it parsed, which keeps that whole piece
 * of text alive as long as the value is: 100,000 workloads held their 50 MB file that way. A value
 * kept here is its own copy, kept once. Bounded: past `limit` distinct values the table starts over
 * (values already handed out stay valid; later repeats are simply not shared with them).
 */
export class SharedStrings {
  private readonly table = new Map<string, string>();

  constructor(private readonly limit = 100_000) {}

  share(value: string): string {
    const known = this.table.get(value);
    if (known !== undefined) return known;
    // A fresh copy (V8 keeps short strings as copies already; a longer slice would keep its source).
    const own = value.length < 13 ? value : (JSON.parse(JSON.stringify(value)) as string);
    if (this.table.size >= this.limit) this.table.clear();
    this.table.set(own, own);
    return own;
  }
}
