// Shell helper: splits the bytes of a JSON object into the elements of one top-level array member
// (plan.json's `workloads`) and the rest of the text with that array left empty, so a file larger
// than V8's longest string (~512 MB) is parsed one element at a time with JSON.parse. Only the
// structure is scanned here (strings, escapes, nesting); JSON.parse checks every piece.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** Keys longer than this are never the member looked for, so their bytes are not kept. */
const KEY_MAX = 64;

export class JsonArraySplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Inside the array named `member` of the top-level object. */
  private inArray = false;
  private key: number[] | null = null;
  private lastKey = '';
  private memberKey = '';
  /** Pieces of the element being read (null between elements). */
  private element: Buffer[] | null = null;
  /** Pieces of the text outside the member's elements. */
  private readonly skeleton: Buffer[] = [];
  /** Times the member's array was met; elements are numbered by it (JSON.parse keeps the last of a repeated key). */
  arrays = 0;

  constructor(
    private readonly member: string,
    private readonly onElement: (text: string, array: number) => void,
  ) {}

  /** Scans the next bytes of the text. */
  push(chunk: Buffer): void {
    let skelFrom = this.inArray ? -1 : 0;
    let elemFrom = this.element !== null ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.key !== null) {
            this.lastKey = this.key.length <= KEY_MAX ? Buffer.from(this.key).toString('utf8') : '';
            this.key = null;
          }
        } else if (this.key !== null && this.key.length <= KEY_MAX) this.key.push(b);
        continue;
      }
      if (this.inArray && this.depth === 2) {
        // Between or at the edge of elements of the member's array.
        if (b === COMMA || b === CLOSE_ARR) {
          if (this.element !== null) {
            this.element.push(chunk.subarray(elemFrom, i));
            this.finishElement();
            elemFrom = -1;
          }
          if (b === CLOSE_ARR) {
            this.inArray = false;
            this.depth = 1;
            skelFrom = i;
          }
          continue;
        }
        if (isSpace(b) && this.element === null) continue;
        if (this.element === null) {
          this.element = [];
          elemFrom = i;
        }
      }
      if (b === QUOTE) {
        this.inString = true;
        if (!this.inArray && this.depth === 1) this.key = [];
      } else if (b === OPEN_OBJ || b === OPEN_ARR) {
        if (!this.inArray && this.depth === 1 && b === OPEN_ARR && this.memberKey === this.member) {
          this.skeleton.push(chunk.subarray(skelFrom, i + 1));
          skelFrom = -1;
          this.inArray = true;
          this.arrays++;
          this.depth = 2;
          continue;
        }
        this.depth++;
      } else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
        this.depth--;
        if (this.inArray && this.depth === 2 && this.element !== null) {
          this.element.push(chunk.subarray(elemFrom, i + 1));
          this.finishElement();
          elemFrom = -1;
        }
      } else if (b === COLON && !this.inArray && this.depth === 1) {
        this.memberKey = this.lastKey;
      } else if (b === COMMA && !this.inArray && this.depth === 1) {
        this.memberKey = '';
      }
    }
    if (skelFrom >= 0) this.skeleton.push(chunk.subarray(skelFrom));
    if (this.element !== null && elemFrom >= 0) this.element.push(chunk.subarray(elemFrom));
  }

  private finishElement(): void {
    const parts = this.element ?? [];
    this.element = null;
    this.onElement(Buffer.concat(parts).toString('utf8'), this.arrays);
  }

  /** The text without the member's elements (its array written `[]`). */
  rest(): string {
    return Buffer.concat(this.skeleton).toString('utf8');
  }
}
