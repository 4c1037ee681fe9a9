/** `stty` and `tty`: what a websh user types to check the PTY (size after a resize, name). */
import type { CommandHandler } from "./types.js";
import { fail, writeLine } from "./util.js";

const NOT_A_TTY = "stty: 'standard input': Inappropriate ioctl for device";

export const stty: CommandHandler = (ctx) => {
  const size = ctx.state.terminal;
  // stty works on its stdin: a pipe or a command API shell has no terminal behind it.
  if (size === undefined || ctx.stdin !== undefined) return fail(ctx, NOT_A_TTY);
  const args = ctx.args;
  if (args.length === 0) {
    writeLine(ctx.stdout, "speed 38400 baud; line = 0;\n-brkint -imaxbel iutf8");
    return 0;
  }
  if (args[0] === "size") {
    writeLine(ctx.stdout, `${size.rows} ${size.cols}`);
    return 0;
  }
  if (args[0] === "-a" || args[0] === "--all") {
    writeLine(
      ctx.stdout,
      `speed 38400 baud; rows ${size.rows}; columns ${size.cols}; line = 0;\n` +
        "intr = ^C; quit = ^\\; erase = ^?; kill = ^U; eof = ^D; eol = <undef>; eol2 = <undef>;\n" +
        "-parenb -parodd -cmspar cs8 -hupcl -cstopb cread -clocal -crtscts\n" +
        "-ignbrk -brkint -ignpar -parmrk -inpck -istrip -inlcr -igncr icrnl ixon -ixoff -iuclc -ixany -imaxbel iutf8\n" +
        "opost -olcuc -ocrnl onlcr -onocr -onlret -ofill -ofdel nl0 cr0 tab0 bs0 vt0 ff0\n" +
        "isig icanon iexten echo echoe echok -echonl -noflsh -xcase -tostop -echoprt echoctl echoke -flusho -extproc",
    );
    return 0;
  }
  // `stty rows N cols N` sets the size; other modes are accepted but not simulated.
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "rows" || arg === "cols" || arg === "columns") {
      const value = args[++i];
      if (value === undefined || !/^\d+$/.test(value)) {
        return fail(ctx, `stty: invalid integer argument: '${value ?? ""}'`);
      }
      if (arg === "rows") size.rows = Number(value);
      else size.cols = Number(value);
    }
  }
  return 0;
};

export const tty: CommandHandler = (ctx) => {
  if (ctx.state.terminal === undefined || ctx.stdin !== undefined) {
    writeLine(ctx.stdout, "not a tty");
    return 1;
  }
  writeLine(ctx.stdout, "/dev/pts/0");
  return 0;
};
