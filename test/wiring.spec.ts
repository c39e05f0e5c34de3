/**
 * Wiring on the components, not in the stack: a PostgresDb admits a security
 * group created after it (`allowFrom`), and the stacks wire database and
 * service without `pulumi.deferredOutput`, keeping the rule they had.
 */
import { failsBeforeRegistering, mocksReady, record } from "./harness/mocks";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PostgresDb, type PostgresDbArgs } from "../components";
import { evaluateStack } from "./harness/stack";

const SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];
const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const args = (extra: Partial<PostgresDbArgs> = {}): PostgresDbArgs => ({
    vpcId: "vpc-0a1b2c3d4e5f67890",
    isolatedSubnetIds: SUBNETS,
    instanceClass: "db.t4g.micro",
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 50,
    ...extra,
});

describe("wiring: PostgresDb.allowFrom", () => {
    before(() => mocksReady);

    it("a database without allowedSecurityGroupIds has no ingress rule until allowFrom adds one on 5432", async () => {
        let db: PostgresDb;
        const before = await record(() => (db = new PostgresDb("db", args())));
        expect(before.ofType(RULE)).to.deep.equal([]);
        const rec = await record(() =>
            db.allowFrom("web", "sg-0123456789abcdef0", { aliases: [{ name: "db-from-0" }] }),
        );
        const rule = rec.one(RULE);
        expect(rule.name).to.equal("db-from-web");
        expect(rule.parent).to.equal(before.one("aws-webapp:index:PostgresDb").urn);
        expect(rule.inputs).to.include({
            securityGroupId: before.one("aws:ec2/securityGroup:SecurityGroup").id,
            referencedSecurityGroupId: "sg-0123456789abcdef0",
            ipProtocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
        });
        expect(rule.inputs.tags).to.include({ Name: "db-from-web" });
        expect(rule.aliases.map((a) => a.name)).to.deep.equal(["db-from-0"]);
    });

    it("a given allowedSecurityGroupIds still needs at least one group; a bad label is refused before registering", async () => {
        const message = await failsBeforeRegistering(() => new PostgresDb("db", args({ allowedSecurityGroupIds: [] })));
        expect(message).to.contain("allowedSecurityGroupIds: [] is empty");
        let db: PostgresDb;
        await record(() => (db = new PostgresDb("db2", args())));
        expect(await failsBeforeRegistering(() => db.allowFrom("Web App", "sg-0123456789abcdef0"))).to.contain(
            'label: "Web App" is not a rule label',
        );
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: the database admits the service's group in the rule it always had (aliased), no deferredOutput`, async function () {
            this.timeout(60000);
            const { recording } = await evaluateStack(stack);
            const rules = recording.ofType(RULE).filter((r) => r.name.startsWith(`${stack}-db-from-`));
            // The service's rule, and the sign-up trigger's (stacks/auth.ts).
            expect(rules.map((r) => r.name)).to.deep.equal([`${stack}-db-from-web`, `${stack}-db-from-auth-trigger`]);
            expect(rules[0].aliases.map((a) => a.name)).to.deep.equal([`${stack}-db-from-0`]);
            const serviceSg = recording.one("aws:ec2/securityGroup:SecurityGroup", `${stack}-web-service-sg`);
            expect(rules[0].inputs.referencedSecurityGroupId).to.equal(serviceSg.id);
        });
    }

    it("the environment wires components without pulumi.deferredOutput or re-deriving the NAT strategy", () => {
        const dir = path.join(__dirname, "..", "stacks");
        for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
            const source = fs.readFileSync(path.join(dir, file), "utf8");
            // The site's media grants name the distribution, which needs the bucket first (stacks/site.ts).
            if (file !== "site.ts") expect(source, file).to.not.contain("deferredOutput");
            expect(source, file).to.not.contain("egressSubnetTier");
            expect(source, file).to.not.match(/natStrategy\s*[!=]==\s*"None"/);
        }
        const steps = fs.readFileSync(path.join(dir, "environmentSteps.ts"), "utf8");
        expect(steps).to.contain("instancePublicIp: vpc.egressNeedsPublicIp");
    });
});
