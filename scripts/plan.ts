// `npm run plan -- <stack>`: resources, idle monthly cost and the architecture
// diagram of a stack, offline (see docs/plan.md). The work is in scripts/plan/.
import { main } from "./plan/cli";

export { main } from "./plan/cli";
export type { Io } from "./plan/cli";

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            process.stderr.write(`plan: ${e instanceof Error ? e.stack : String(e)}\n`);
            process.exit(1);
        },
    );
}
