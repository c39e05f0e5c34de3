// `npm run plan -- <stack>`: resources, idle monthly cost and the architecture
// diagram of a stack, offline (see docs/plan.md). The work is in scripts/plan/;
// `npm run plan` starts it through scripts/plan/launch.js (no ts-node).
import * as path from "path";
import type { Io } from "./plan/cli";

export type { Io };

/** The CLI (see scripts/plan/cli.ts); loaded on first use. */
export function main(argv: readonly string[], io?: Io): Promise<number> {
    return (require("./plan/cli") as typeof import("./plan/cli")).main(argv, io);
}

/** Runs the CLI as the process: exits with its code once stdout and stderr are flushed. */
export function runCli(argv: readonly string[]): void {
    // A large --json document to a pipe is written asynchronously; exiting explicitly
    // because the engine may leave handles open.
    const exit = (code: number) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
    main(argv).then(
        (code) => exit(code),
        (e) => {
            process.stderr.write(`plan: ${e instanceof Error ? e.stack : String(e)}\n`);
            exit(1);
        },
    );
}

if (require.main === module) {
    // Run directly (ts-node scripts/plan.ts): esbuild instead of the TypeScript compiler for
    // the program's files from here on (see scripts/plan/loader.ts).
    const loader = require("./plan/loader") as typeof import("./plan/loader");
    loader.installFastTypeScriptLoader(path.resolve(__dirname, ".."));
    loader.deferModule("@npmcli/arborist", ["Arborist", "Node", "Link", "Edge", "Shrinkwrap"]);
    runCli(process.argv.slice(2));
}
