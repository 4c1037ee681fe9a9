/**
 * One AbortController per command line, reusing the previous line's while it was never
 * aborted. Creating one costs microseconds in Node, more than running a short line; a
 * controller that was not aborted and whose listeners were all removed (every user here
 * removes its own when done) is indistinguishable from a new one.
 */
export class LineAborts {
  private spare: AbortController | undefined;

  next(): AbortController {
    if (this.spare === undefined || this.spare.signal.aborted) this.spare = new AbortController();
    return this.spare;
  }
}
