import { failsBeforeRegistering, mocksReady } from "./harness/mocks";
import { evaluateStack, readStackConfig, ROOT } from "./harness/stack";
import { expect } from "chai";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { architectureOf, CONFIG_KEYS, environmentSchema, NAMESPACE, parseEnvironmentConfig } from "../stacks/config";
import { decodeConfig, isNearMissNamespace, OPTIONAL_KEYS } from "../stacks/configSource";
import { isCidr, parseCidr } from "../components/shared/cidr";
import { configTable } from "../scripts/config-table";

/** Validates a dev-like config with some keys replaced; returns the error message. */
function errorFor(raw: Record<string, unknown>, region: string | null = "us-east-1", idleCost?: number): string {
    try {
        parseEnvironmentConfig(raw, "dev", region ?? undefined, undefined, idleCost);
    } catch (e: any) {
        return e.message;
    }
    throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

describe("stack configuration", () => {
    before(() => mocksReady);

    it("accepts an empty config and applies the schema defaults", () => {
        const c = parseEnvironmentConfig({}, "dev", "us-east-1");
        expect(c).to.include({ environment: "dev", availabilityZones: 2, vpcCidr: "10.0.0.0/16", natStrategy: "None" });
        expect(c.taskCpu).to.equal(512);
        expect(c.taskMemory).to.equal(1024);
        expect(c.architecture).to.equal("arm64");
    });

    it("loads both real stack files without error", () => {
        for (const stack of ["dev", "prod"]) {
            const flat = readStackConfig(stack);
            const c = parseEnvironmentConfig(decodeConfig(flat), stack, flat["aws:region"]);
            expect(c.environment).to.equal(stack);
        }
    });

    describe("refuses bad values with the key, the value and what was expected", () => {
        it("malformed and out-of-range CIDRs", () => {
            expect(errorFor({ vpcCidr: "10.0.0.0/33" })).to.contain(
                'aws-webapp:vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR block',
            );
            expect(errorFor({ vpcCidr: "256.0.0.0/16" })).to.contain("is not a valid IPv4 CIDR block");
            expect(errorFor({ vpcCidr: "10.0.0.1/16" })).to.contain("is not a valid IPv4 CIDR block");
            expect(errorFor({ vpcCidr: "8.8.0.0/16" })).to.contain(
                'aws-webapp:vpcCidr: "8.8.0.0/16" is not a private (RFC 1918) range',
            );
            expect(errorFor({ vpcCidr: "10.0.0.0/8" })).to.contain("has a prefix outside /16 to /24");
        });

        it("negative, zero-where-invalid and non-integer counts", () => {
            expect(errorFor({ minTasks: -1 })).to.contain(
                "aws-webapp:minTasks: -1 is out of range: expected an integer from 0 to 100",
            );
            expect(errorFor({ maxTasks: 0 })).to.contain("aws-webapp:maxTasks: 0 is out of range");
            expect(errorFor({ availabilityZones: 1 })).to.contain(
                "aws-webapp:availabilityZones: 1 is out of range: expected an integer from 2 to 6",
            );
            expect(errorFor({ desiredTasks: 1.5 })).to.contain(
                "aws-webapp:desiredTasks: 1.5 is not a whole number: expected an integer from 0 to 100",
            );
        });

        it("min greater than max, and desired outside min..max", () => {
            expect(errorFor({ minInstances: 3, maxInstances: 2, desiredInstances: 2 })).to.contain(
                "aws-webapp:minInstances: 3 is greater than aws-webapp:maxInstances (2): expected min <= max",
            );
            expect(errorFor({ minTasks: 1, maxTasks: 4, desiredTasks: 5 })).to.contain(
                "aws-webapp:desiredTasks: 5 is greater than aws-webapp:maxTasks (4)",
            );
            expect(errorFor({ dbAllocatedStorageGb: 100, dbMaxAllocatedStorageGb: 50 })).to.contain(
                "aws-webapp:dbMaxAllocatedStorageGb: 50 is less than 10 % above aws-webapp:dbAllocatedStorageGb (100): expected at least 110",
            );
            expect(errorFor({ dbAllocatedStorageGb: 100, dbMaxAllocatedStorageGb: 100 })).to.contain(
                "aws-webapp:dbMaxAllocatedStorageGb: 100 is less than 10 % above",
            );
            expect(() =>
                parseEnvironmentConfig({ dbAllocatedStorageGb: 100, dbMaxAllocatedStorageGb: 110 }, "dev", "us-east-1"),
            ).to.not.throw();
        });

        it("malformed email addresses", () => {
            expect(errorFor({ billingEmails: ["ops@example.com", "not-an-email"] })).to.contain(
                'aws-webapp:billingEmails.1: "not-an-email" is not a valid email address',
            );
            expect(errorFor({ alarmEmails: "ops@example.com" })).to.contain(
                'aws-webapp:alarmEmails: "ops@example.com" is not a list',
            );
        });

        it("unknown enum values", () => {
            expect(errorFor({ natStrategy: "Double" })).to.contain(
                'aws-webapp:natStrategy: "Double" is not one of "None", "Single", "OnePerAz"',
            );
            expect(errorFor({ dbEngineVersion: "15" })).to.contain(
                'aws-webapp:dbEngineVersion: "15" is not one of "16", "17"',
            );
            expect(errorFor({ environment: "staging" })).to.contain('aws-webapp:environment: "staging" is not one of');
        });

        it("wrong types", () => {
            expect(errorFor({ availabilityZones: "two" })).to.contain(
                'aws-webapp:availabilityZones: "two" is not a number: expected an integer from 2 to 6',
            );
            expect(errorFor({ dbMultiAz: "yes" })).to.contain(
                'aws-webapp:dbMultiAz: "yes" is not a boolean: expected true or false',
            );
            expect(errorFor({ tags: ["a"] })).to.contain('aws-webapp:tags: ["a"] is not a map of tag keys');
        });

        it("absurd sizes", () => {
            expect(errorFor({ dbAllocatedStorageGb: 10 })).to.contain(
                "aws-webapp:dbAllocatedStorageGb: 10 is out of range: expected an integer from 20 to 65536",
            );
            expect(errorFor({ taskMemory: 10_000_000 })).to.contain("aws-webapp:taskMemory: 10000000 is out of range");
            expect(errorFor({ maxInstances: 5000 })).to.contain("aws-webapp:maxInstances: 5000 is out of range");
            expect(errorFor({ billingThresholdUsdPerDay: 0 })).to.contain(
                "aws-webapp:billingThresholdUsdPerDay: 0 is out of range: expected a daily charge in USD above 0",
            );
            expect(errorFor({ logRetentionDays: 10 })).to.contain(
                "aws-webapp:logRetentionDays: 10 is not a CloudWatch Logs retention: expected one of 1, 3, 5, 7, 14, 30",
            );
            expect(errorFor({ instanceType: "huge" })).to.contain(
                'aws-webapp:instanceType: "huge" is not an EC2 instance type such as t4g.small',
            );
        });

        it("unknown keys, missing or bad region, and prod minimums", () => {
            expect(errorFor({ vpcCdir: "10.0.0.0/16" })).to.contain("aws-webapp:vpcCdir: is not a known key");
            expect(errorFor({}, null)).to.contain("aws:region: is required");
            expect(errorFor({}, "mars-1")).to.contain('aws:region: "mars-1" is not an AWS region');
            expect(errorFor({ environment: "prod", dbBackupRetentionDays: 1, logRetentionDays: 7 }))
                .to.contain("aws-webapp:dbBackupRetentionDays: 1 is below 7")
                .and.to.contain("aws-webapp:logRetentionDays: 7 is below 30");
            expect(errorFor({ domainName: "app.example.com" })).to.contain(
                'aws-webapp:domainName: "app.example.com" expected together with aws-webapp:hostedZoneName',
            );
        });

        it("empty strings are refused, never replaced by the default", () => {
            const flat = { "aws-webapp:environment": "", "aws-webapp:instanceType": "", "aws-webapp:vpcCidr": "" };
            const message = errorFor(decodeConfig(flat));
            expect(message).to.contain('aws-webapp:environment: "" is not one of "dev", "prod"');
            expect(message).to.contain('aws-webapp:instanceType: "" is not an EC2 instance type such as t4g.small');
            expect(message).to.contain('aws-webapp:vpcCidr: "" is empty: expected an IPv4 CIDR block');
            // Keys without a default: "" is Pulumi.yaml's declared "unset".
            expect([...OPTIONAL_KEYS]).to.deep.equal([
                "amiId",
                "image",
                "buildContext",
                "monthlyBudgetUsd",
                "domainName",
                "hostedZoneName",
                "permissionsBoundaryArn",
            ]);
            expect(decodeConfig({ "aws-webapp:domainName": "", "aws-webapp:image": "" })).to.deep.equal({});
        });

        it("permissionsBoundaryArn: an IAM policy ARN, not a role's or a bare name", () => {
            for (const bad of ["arn:aws:iam::123456789012:role/deploy-boundary", "deploy-boundary"]) {
                expect(errorFor({ permissionsBoundaryArn: bad })).to.contain(
                    `aws-webapp:permissionsBoundaryArn: "${bad}" is not an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)`,
                );
            }
            const arn = "arn:aws:iam::123456789012:policy/deploy-boundary-1a2b3c4";
            expect(
                parseEnvironmentConfig({ permissionsBoundaryArn: arn }, "dev", "us-east-1").permissionsBoundaryArn,
            ).to.equal(arn);
            expect(decodeConfig({ "aws-webapp:permissionsBoundaryArn": "" })).to.deep.equal({});
        });

        it("keys in a near-miss namespace are refused, not ignored", () => {
            const raw = decodeConfig({
                "aws-webap:natStrategy": "Single",
                "Aws-Webapp:ingress": "alb",
                "aws:region": "us-east-1",
                "awsx:foo": "1",
            });
            expect(Object.keys(raw)).to.deep.equal(["aws-webap:natStrategy", "Aws-Webapp:ingress"]);
            const message = errorFor(raw);
            expect(message).to.contain(
                'aws-webap:natStrategy: is in namespace "aws-webap", not "aws-webapp" (the project name): did you mean aws-webapp:natStrategy?',
            );
            expect(message).to.contain("Aws-Webapp:ingress: is in namespace");
            expect(isNearMissNamespace("aws_webapp")).to.equal(true);
            expect(isNearMissNamespace("aws")).to.equal(false);
        });

        it("region, instance type and DB class must exist; zones within the region's", () => {
            expect(errorFor({}, "us-east-7")).to.contain(
                'aws:region: "us-east-7" is not an AWS region such as us-east-1 (see components/shared/data/regions.json)',
            );
            expect(errorFor({ instanceType: "t4g.huge" })).to.contain(
                'aws-webapp:instanceType: "t4g.huge" is not an EC2 instance type: t4g comes in nano, micro, small, medium, large, xlarge, 2xlarge',
            );
            expect(errorFor({ instanceType: "t5g.small" })).to.contain(
                'aws-webapp:instanceType: "t5g.small" is not an EC2 instance type such as t4g.small',
            );
            expect(errorFor({ dbInstanceClass: "db.t4g.nano" })).to.contain(
                'aws-webapp:dbInstanceClass: "db.t4g.nano" is not an RDS DB instance class: db.t4g comes in micro',
            );
            expect(errorFor({ availabilityZones: 3 }, "us-west-1")).to.contain(
                "aws-webapp:availabilityZones: 3 is more than the 2 availability zones of us-west-1",
            );
            expect(() => parseEnvironmentConfig({ availabilityZones: 3 }, "dev", "eu-west-1")).to.not.throw();
        });

        it("tags as AWS enforces them, the Name tag and the provider's default tags counted", () => {
            expect(errorFor({ tags: { "aws:owner": "me", ok: "bad\u0007" } }))
                .to.contain(
                    'aws-webapp:tags: tag "aws:owner" starts with "aws:", a prefix AWS reserves for its own tags',
                )
                .and.to.contain('aws-webapp:tags: tag "ok" has a value that contains a control character');
            const tags = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`t${i}`, "v"]));
            expect(() => parseEnvironmentConfig({ tags }, "dev", "us-east-1", { Project: "p" })).to.not.throw();
            expect(() =>
                parseEnvironmentConfig({ tags }, "dev", "us-east-1", {
                    Project: "p",
                    Environment: "e",
                    Owner: "o",
                    X: "x",
                }),
            ).to.throw("aws-webapp:tags: has 51 tags: AWS allows at most 50 per resource");
            expect(() => parseEnvironmentConfig({}, "dev", "us-east-1", { "aws:x": "1" })).to.throw(
                'aws:defaultTags.tags: tag "aws:x" starts with "aws:"',
            );
        });

        it("a task must fit its instance type (EC2 launch type: memory minus the agent's reserve)", () => {
            expect(errorFor({ instanceType: "t4g.micro", taskCpu: 256, taskMemory: 4096 })).to.contain(
                "aws-webapp:taskMemory: 4096 does not fit aws-webapp:instanceType t4g.micro: expected at most 768 MiB (1024 MiB minus 256 MiB for the OS, Docker and the ECS agent)",
            );
            expect(errorFor({ instanceType: "t4g.small", taskCpu: 4096, taskMemory: 1024 })).to.contain(
                "aws-webapp:taskCpu: 4096 does not fit aws-webapp:instanceType t4g.small: expected at most 2048 CPU units (2 vCPU)",
            );
            // Not Fargate's table: on EC2, 256 CPU units with 4 GiB is legal.
            const c = parseEnvironmentConfig(
                { instanceType: "t4g.large", taskCpu: 256, taskMemory: 4096 },
                "dev",
                "us-east-1",
            );
            expect([c.taskCpu, c.taskMemory]).to.deep.equal([256, 4096]);
        });

        it("tasks must fit maxInstances × tasks per instance (awsvpc: one ENI per task)", () => {
            // t4g.medium attaches 3 ENIs: 2 tasks per instance, whatever the memory allows.
            const raw = { instanceType: "t4g.medium", taskCpu: 256, taskMemory: 512, minInstances: 1, maxInstances: 2 };
            expect(errorFor({ ...raw, maxTasks: 5, desiredTasks: 1, minTasks: 1 })).to.contain(
                "aws-webapp:maxTasks: 5 is more than aws-webapp:maxInstances 2 instances of t4g.medium can place: at most 4 tasks of 256 CPU / 512 MiB (2 per instance: awsvpc gives each task an ENI and t4g.medium attaches 3, one of them the instance's own)",
            );
            expect(() => parseEnvironmentConfig({ ...raw, maxTasks: 4 }, "dev", "us-east-1")).to.not.throw();
            expect(errorFor({ instanceType: "t4g.small", taskCpu: 512, taskMemory: 1024, maxTasks: 2 })).to.contain(
                "at most 1 tasks of 512 CPU / 1024 MiB (1 per instance by memory (1792 MiB usable))",
            );
        });

        it("budget and daily billing threshold above the stack's planned idle cost", () => {
            const message = errorFor({ monthlyBudgetUsd: 25, billingThresholdUsdPerDay: 0.5 }, "us-east-1", 29.85);
            expect(message)
                .to.contain(
                    "aws-webapp:monthlyBudgetUsd: 25 sends its 80 % notice at 20.00 USD, not above the stack's planned idle cost (29.85 USD a month, docs/architecture-<stack>.cost.json from npm run plan): expected more than 37.31",
                )
                .and.to.contain("aws-webapp:billingThresholdUsdPerDay: 0.5 is not above the idle daily rate 0.98 USD");
            expect(() =>
                parseEnvironmentConfig(
                    { monthlyBudgetUsd: 38, billingThresholdUsdPerDay: 1 },
                    "dev",
                    "us-east-1",
                    undefined,
                    29.85,
                ),
            ).to.not.throw();
            // The daily alarm is checked only where it lives (one stack per account).
            expect(() =>
                parseEnvironmentConfig(
                    { billingAccountAlarm: false, monthlyBudgetUsd: 38, billingThresholdUsdPerDay: 0.5 },
                    "dev",
                    "us-east-1",
                    undefined,
                    29.85,
                ),
            ).to.not.throw();
        });

        it("edge settings that need a load balancer (the web ACL is on the distribution: any ingress)", () => {
            expect(() =>
                parseEnvironmentConfig({ ingress: "httpApi", wafEnabled: true }, "dev", "us-east-1"),
            ).to.not.throw();
            expect(
                errorFor({ environment: "prod", ingress: "alb", dbBackupRetentionDays: 7, logRetentionDays: 30 }),
            ).to.contain('aws-webapp:domainName: is unset: prod needs it with aws-webapp:ingress "alb"');
            expect(
                errorFor({ ingress: "httpApi", domainName: "app.example.com", hostedZoneName: "example.com" }),
            ).to.contain('aws-webapp:domainName: "app.example.com" needs aws-webapp:ingress "alb"');
        });

        it("lists every bad key in one error", () => {
            const message = errorFor({ vpcCidr: "x", natStrategy: "Some", minTasks: -2, billingEmails: ["@"] });
            for (const key of ["vpcCidr", "natStrategy", "minTasks", "billingEmails.0"]) {
                expect(message).to.contain(`aws-webapp:${key}:`);
            }
            expect(message).to.match(/^stack "dev" configuration: invalid values:/);
        });
    });

    describe("through the real program", () => {
        it("refuses a bad stack configuration before any resource is registered", async () => {
            const message = await failsBeforeRegistering(() =>
                evaluateStack("dev", { "aws-webapp:vpcCidr": "10.0.0.0/33", "aws-webapp:minTasks": "-1" }),
            );
            expect(message).to.contain('aws-webapp:vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR block');
            expect(message).to.contain("aws-webapp:minTasks: -1 is out of range");
        });

        for (const [what, overrides, expected] of [
            [
                "taskMemory 4096 on t4g.micro",
                { "aws-webapp:taskMemory": "4096", "aws-webapp:taskCpu": "256" },
                "aws-webapp:taskMemory: 4096 does not fit aws-webapp:instanceType t4g.micro",
            ],
            [
                "3 zones in a 2-zone region",
                { "aws:region": "us-west-1", "aws-webapp:availabilityZones": "3" },
                "aws-webapp:availabilityZones: 3 is more than the 2 availability zones of us-west-1",
            ],
            ["an empty environment", { "aws-webapp:environment": "" }, 'aws-webapp:environment: "" is not one of'],
            [
                "a near-miss namespace",
                { "aws-webap:natStrategy": "Single" },
                'aws-webap:natStrategy: is in namespace "aws-webap"',
            ],
            [
                "a DB class that does not exist",
                { "aws-webapp:dbInstanceClass": "db.t4g.huge" },
                "aws-webapp:dbInstanceClass:",
            ],
            ["a reserved tag key", { "aws-webapp:tags": '{"aws:team":"web"}' }, 'tag "aws:team" starts with "aws:"'],
        ] as const) {
            it(`refuses ${what} with the key named and nothing registered`, async () => {
                const message = await failsBeforeRegistering(() => evaluateStack("dev", { ...overrides }));
                expect(message).to.contain(expected);
            });
        }

        it("refuses a wrong type coming from the YAML before any resource is registered", async () => {
            const message = await failsBeforeRegistering(() =>
                evaluateStack("prod", { "aws-webapp:availabilityZones": "three" }),
            );
            expect(message).to.contain('aws-webapp:availabilityZones: "three" is not a number');
        });
    });

    describe("declarations", () => {
        const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
            name: string;
            config: Record<string, { type?: string; description?: string; default?: unknown }>;
        };

        it("Pulumi.yaml declares exactly the schema's keys, with its descriptions and defaults", () => {
            expect(project.name).to.equal(NAMESPACE);
            const declared = Object.keys(project.config).map((k) => k.replace(`${NAMESPACE}:`, ""));
            // Project config types are string, integer, boolean and array (Pulumi's project schema
            // requires one of them): the map key `tags` and the list of objects `services` cannot be
            // declared and live in the stack files.
            const undeclared = ["tags", "services"];
            expect(declared).to.deep.equal(CONFIG_KEYS.filter((k) => !undeclared.includes(k)));
            for (const [key, decl] of Object.entries(project.config)) {
                expect(["string", "integer", "boolean", "array"], key).to.include(decl.type);
            }
            const defaults = environmentSchema.parse({});
            for (const key of CONFIG_KEYS.filter((k) => !undeclared.includes(k))) {
                const decl = project.config[`${NAMESPACE}:${key}`];
                expect(decl.description, key).to.equal(environmentSchema.shape[key].description);
                // The CLI hands defaults over as strings, like any other value.
                const flat =
                    decl.default === undefined
                        ? {}
                        : {
                              [`${NAMESPACE}:${key}`]:
                                  typeof decl.default === "string" ? decl.default : JSON.stringify(decl.default),
                          };
                expect(decodeConfig(flat)[key], key).to.deep.equal((defaults as Record<string, unknown>)[key]);
            }
        });

        it("README's configuration table is the one generated from the schema", () => {
            const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
            expect(readme).to.contain(configTable());
        });
    });

    describe("pure helpers (property-based)", () => {
        it("every canonical IPv4 CIDR is accepted and round-trips", () => {
            fc.assert(
                fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
                    const parts = ip.split(".").map(Number);
                    const addr = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
                    const net = prefix === 0 ? 0 : (addr & (0xffffffff << (32 - prefix))) >>> 0;
                    const text = `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${prefix}`;
                    const parsed = parseCidr(text);
                    return parsed !== undefined && parsed.address === net && parsed.prefix === prefix;
                }),
            );
        });

        it("host bits, big octets and big prefixes are refused", () => {
            fc.assert(
                fc.property(fc.integer({ min: 256, max: 999 }), fc.integer({ min: 33, max: 99 }), (octet, prefix) => {
                    return !isCidr(`10.${octet}.0.0/16`) && !isCidr(`10.0.0.0/${prefix}`) && !isCidr("10.0.0.1/24");
                }),
            );
        });

        it("any integer outside a count's range is refused, any inside accepted", () => {
            fc.assert(
                fc.property(fc.integer({ min: -1000, max: 1000 }), (n) => {
                    const ok = n >= 2 && n <= 6;
                    try {
                        parseEnvironmentConfig({ availabilityZones: n }, "dev", "us-east-1");
                        return ok;
                    } catch (e: any) {
                        return !ok && e.message.includes(`aws-webapp:availabilityZones: ${n} is out of range`);
                    }
                }),
            );
        });

        it("derives the CPU architecture from the instance type", () => {
            expect(architectureOf("t4g.small")).to.equal("arm64");
            expect(architectureOf("m7gd.large")).to.equal("arm64");
            expect(architectureOf("c7gn.xlarge")).to.equal("arm64");
            expect(architectureOf("t3.medium")).to.equal("x86_64");
            expect(architectureOf("t3a.small")).to.equal("x86_64");
            expect(architectureOf("g4dn.xlarge")).to.equal("x86_64");
        });
    });
});
