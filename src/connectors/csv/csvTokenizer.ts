/** One CSV record as read, before any typing. */
export interface CsvRecord {
  fields: string[];
  /** Per field: whether it was quoted (a quoted empty field is an empty string, never a null token). */
  quoted: boolean[];
  /** 1-based physical line the record starts on (records may span lines through quoted newlines). */
  line: number;
  /** A malformed record (a character after a closing quote, a quote never closed); it is still delimited. */
  error?: string;
}

export interface CsvSyntax {
  delimiter: string;
  quote: string;
}

const enum State { FieldStart, Unquoted, Quoted, QuoteInQuoted }

/**
 * An RFC 4180 tokenizer fed with text chunks of any size: delimiters and quotes are single
 * characters, a doubled quote inside quotes is a literal quote, quoted fields may hold delimiters
 * and newlines, and records end at LF, CRLF or CR. A chunk boundary may fall anywhere (inside a
 * field, between CR and LF, between two quotes). Large fields are gathered by slices, never
 * character by character, so a field of many megabytes costs one copy.
 */
export class CsvTokenizer {
  private state = State.FieldStart;
  private fields: string[] = [];
  private quoted: boolean[] = [];
  private field = '';
  private fieldQuoted = false;
  private recordLine = 1;
  private line = 1;
  private lastWasCR = false;
  private error: string | undefined;
  private started = false;
  /** The previous chunk ended inside a quoted field with a CR. */
  private quotedCR = false;

  constructor(private readonly syntax: CsvSyntax) {
    if (syntax.delimiter.length !== 1 || syntax.quote.length !== 1) throw new RangeError('The CSV delimiter and quote must be single characters.');
    if (syntax.delimiter === syntax.quote) throw new RangeError('The CSV delimiter and quote must differ.');
  }

  /** Tokenizes a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark is not data
    }
    const { delimiter, quote } = this.syntax;
    let start = 0; // where the pending slice of the current field begins
    let i = 0;
    const n = text.length;
    while (i < n) {
      const c = text[i] as string;
      if (this.lastWasCR) {
        this.lastWasCR = false;
        if (c === '\n') {
          i++;
          start = i;
          continue;
        }
      }
      switch (this.state) {
        case State.FieldStart:
          if (c === quote) {
            this.state = State.Quoted;
            this.fieldQuoted = true;
            start = i + 1;
          } else if (c === delimiter) {
            this.endField();
            start = i + 1;
          } else if (c === '\n' || c === '\r') {
            this.endRecord(out, c === '\r');
            start = i + 1;
          } else {
            this.state = State.Unquoted;
            start = i;
          }
          break;
        case State.Unquoted: {
          // Fast path: find the end of an unquoted field without a per-character state switch.
          let j = i;
          while (j < n) {
            const d = text[j];
            if (d === delimiter || d === '\n' || d === '\r') break;
            j++;
          }
          this.field += text.slice(start, j);
          if (j === n) return out;
          i = j;
          const d = text[j] as string;
          this.state = State.FieldStart;
          if (d === delimiter) this.endField();
          else this.endRecord(out, d === '\r');
          start = i + 1;
          break;
        }
        case State.Quoted: {
          const close = text.indexOf(quote, i);
          if (close < 0) {
            this.countLines(text, i, n);
            this.field += text.slice(start, n);
            return out;
          }
          this.countLines(text, i, close);
          this.field += text.slice(start, close);
          this.state = State.QuoteInQuoted;
          i = close;
          start = close + 1;
          break;
        }
        case State.QuoteInQuoted:
          if (c === quote) {
            this.field += quote;
            this.state = State.Quoted;
            start = i + 1;
          } else if (c === delimiter) {
            this.state = State.FieldStart;
            this.endField();
            start = i + 1;
          } else if (c === '\n' || c === '\r') {
            this.state = State.FieldStart;
            this.endRecord(out, c === '\r');
            start = i + 1;
          } else {
            this.error ??= `unexpected character ${JSON.stringify(c)} after the closing quote of field ${this.fields.length + 1}`;
            this.field += c;
            this.state = State.Unquoted;
            start = i + 1;
          }
          break;
      }
      i++;
    }
    if (this.state === State.Unquoted) this.field += text.slice(start, n);
    return out;
  }

  /** Ends the input; returns the last record when the text did not end with a newline. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.state === State.Quoted) {
      this.error ??= `a quoted field starting on line ${this.recordLine} is never closed`;
    }
    if (this.state !== State.FieldStart || this.fields.length > 0) this.endRecord(out, false);
    return out;
  }

  /** Counts line ends inside a quoted field; a CRLF split between two chunks counts once. */
  private countLines(text: string, from: number, to: number): void {
    let previousCR = from === 0 ? this.quotedCR : text.charCodeAt(from - 1) === 13;
    for (let k = from; k < to; k++) {
      const ch = text.charCodeAt(k);
      if (ch === 13 || (ch === 10 && !previousCR)) this.line++;
      previousCR = ch === 13;
    }
    this.quotedCR = to === text.length && previousCR;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.quoted.push(this.fieldQuoted);
    this.field = '';
    this.fieldQuoted = false;
  }

  private endRecord(out: CsvRecord[], isCR: boolean): void {
    this.endField();
    this.state = State.FieldStart;
    out.push({ fields: this.fields, quoted: this.quoted, line: this.recordLine, ...(this.error ? { error: this.error } : {}) });
    this.fields = [];
    this.quoted = [];
    this.error = undefined;
    this.line++;
    this.recordLine = this.line;
    this.lastWasCR = isCR;
  }
}
