/**
 * The argument and output tables of docs/components/ are generated from the
 * components' TSDoc (scripts/component-docs.ts): a page whose marked block
 * differs from the generated one is stale.
 */
import { expect } from "chai";
import * as fs from "fs";
import { componentDocs, markedPages, pagePath, table, withTables } from "../scripts/component-docs";

/** Every exported component's page carries generated tables: one definition per argument, in the TSDoc. */
const docs = componentDocs();
const GENERATED = docs.map((d) => d.name);

describe("component docs tables (generated from the TSDoc)", function () {
    this.timeout(60000);

    it("every marked page is the one the script generates (run `npx ts-node scripts/component-docs.ts --write`)", () => {
        expect(GENERATED).to.include.members(["AppSecret", "SecureVpc", "PostgresDb", "EcsEc2Service", "UserAuth"]);
        expect(markedPages()).to.include.members(GENERATED);
        for (const name of markedPages()) {
            const doc = docs.find((d) => d.name === name);
            expect(doc, `${name} is a component exported by components/index.ts`).to.not.equal(undefined);
            const page = fs.readFileSync(pagePath(name), "utf8");
            expect(withTables(page, doc!), `docs/components/${name}.md is stale`).to.equal(page);
        }
    });

    it("reads every exported component, its args (defaults resolved from their constant) and outputs", () => {
        expect(docs.map((d) => d.name)).to.include.members([...GENERATED, "SecureVpc", "PostgresDb", "BillingAlarm"]);
        const secret = docs.find((d) => d.name === "AppSecret")!;
        expect(secret.argsType).to.equal("AppSecretArgs");
        expect(secret.args.map((a) => [a.name, a.default])).to.deep.equal([
            ["secretName", "required"],
            ["length", "`64`"],
            ["recoveryWindowInDays", "`7`"],
            ["uniqueName", "`true`"],
            ["tags", "unset"],
        ]);
        expect(secret.outputs.map((o) => o.name)).to.deep.equal(["secretArn"]);
        for (const doc of docs.filter((d) => GENERATED.includes(d.name))) {
            for (const row of [...doc.args, ...doc.outputs]) {
                expect(row.description, `${doc.name}.${row.name} has a TSDoc description`).to.not.equal("");
            }
        }
    });

    it("escapes pipes in types so the table keeps its columns", () => {
        const doc = {
            name: "X",
            argsType: "XArgs",
            args: [{ name: "a", type: "string | number", default: "unset", description: "one | two" }],
            outputs: [],
        };
        expect(table(doc, "arguments").split("\n")[2]).to.equal("| `a` | `string \\| number` | unset | one \\| two |");
    });
});
