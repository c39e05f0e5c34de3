import { failsBeforeRegistering, mocksReady, record, Recording, Registration, valueOf } from "./harness/mocks";
import { expect } from "chai";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { PostgresDb, PostgresDbArgs } from "../components/database";
import {
    defaultIdentifier,
    iamConnectArnPrefix,
    identifierProblem,
    isolatedSubnetIdsWhenKnown,
    monitoringPolicyArn,
    monitoringTrustPolicy,
    parseBackupWindow,
    parseMaintenanceWindow,
    postgresDbDefaults,
    postgresParameters,
    resolvePostgresDbSettings,
    windowsOverlap,
} from "../components/database/validation";

const INSTANCE = "aws:rds/instance:Instance";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup";
const PARAMS = "aws:rds/parameterGroup:ParameterGroup";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const COMPONENT = "aws-webapp:index:PostgresDb";

const SUBNETS = ["subnet-isolated-us-east-1a", "subnet-isolated-us-east-1b"];
const APP_SG = "sg-0123456789abcdef0";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/**
 * Identifier the component derives for the name "db" in the current test
 * stack (set in each suite's before hook, right before recording).
 */
let ID = "";

/** What the dev stack passes. */
function devArgs(extra: Partial<PostgresDbArgs> = {}): PostgresDbArgs {
    return {
        vpcId: "vpc-0a1b2c3d4e5f67890",
        isolatedSubnetIds: SUBNETS,
        allowedSecurityGroupIds: [APP_SG],
        instanceClass: "db.t4g.micro",
        engineVersion: "17",
        allocatedStorageGb: 20,
        maxAllocatedStorageGb: 50,
        multiAz: false,
        backupRetentionDays: 1,
        performanceInsights: false,
        logRetentionDays: 7,
        tags: { Project: "aws-webapp", Environment: "dev" },
        ...extra,
    };
}

/** What the prod stack passes: only the switch and sizes, protections follow. */
function prodArgs(extra: Partial<PostgresDbArgs> = {}): PostgresDbArgs {
    return {
        vpcId: "vpc-0a1b2c3d4e5f67890",
        isolatedSubnetIds: SUBNETS,
        allowedSecurityGroupIds: [APP_SG],
        production: true,
        instanceClass: "db.t4g.small",
        allocatedStorageGb: 20,
        maxAllocatedStorageGb: 200,
        tags: { Project: "aws-webapp", Environment: "prod" },
        ...extra,
    };
}

/** Every key path in a value, e.g. `parameters.0.name`. */
function keyPaths(value: unknown, prefix = ""): string[] {
    if (value === null || typeof value !== "object") return [];
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
        `${prefix}${k}`,
        ...keyPaths(v, `${prefix}${k}.`),
    ]);
}

/** The error message of a settings resolution that must fail. */
function settingsError(args: Partial<PostgresDbArgs>, name = "db", stack = "dev"): string {
    try {
        resolvePostgresDbSettings(name, { ...devArgs(), ...args } as PostgresDbArgs, stack);
    } catch (e: any) {
        expect(e.name).to.equal("ValidationError");
        return e.message;
    }
    throw new Error(`expected ${JSON.stringify(args)} to be refused`);
}

describe("PostgresDb", () => {
    before(() => mocksReady);

    describe("naming rules", () => {
        it("checks RDS instance identifiers", () => {
            expect(identifierProblem("app-db-prod")).to.equal(undefined);
            expect(identifierProblem("a")).to.equal(undefined);
            expect(identifierProblem("")).to.equal("is empty");
            expect(identifierProblem("App-db")).to.equal("may contain only lowercase letters, digits and hyphens");
            expect(identifierProblem("app_db")).to.equal("may contain only lowercase letters, digits and hyphens");
            expect(identifierProblem("1db")).to.equal("must start with a letter");
            expect(identifierProblem("db-")).to.equal("must not end with a hyphen");
            expect(identifierProblem("app--db")).to.equal("must not contain two consecutive hyphens");
            expect(identifierProblem("a".repeat(63))).to.equal(undefined);
            expect(identifierProblem("a".repeat(64))).to.equal("is 64 characters long: RDS allows at most 63");
        });

        it("derives the default identifier from the component name and the stack", () => {
            expect(defaultIdentifier("db", "dev")).to.equal("db-dev");
            expect(defaultIdentifier("App_DB", "prod")).to.equal("app-db-prod");
            expect(defaultIdentifier("-web..db-", "Staging_1")).to.equal("web-db-staging-1");
        });

        it("derived identifiers only ever hold what RDS accepts, apart from length and first character", () => {
            fc.assert(
                fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 20 }), (name, stack) => {
                    const id = defaultIdentifier(name, stack);
                    expect(id).to.match(/^[a-z0-9-]*$/);
                    expect(id).not.to.match(/^-|-$|--/);
                }),
                { numRuns: 300 },
            );
        });
    });

    describe("backup and maintenance windows", () => {
        it("parses daily and weekly windows, including ones crossing midnight or the week's end", () => {
            expect(parseBackupWindow("03:00-04:00")).to.deep.equal({ start: 180, length: 60 });
            expect(parseBackupWindow("23:30-00:15")).to.deep.equal({ start: 1410, length: 45 });
            expect(parseBackupWindow("3:00-04:00")).to.equal(undefined);
            expect(parseBackupWindow("24:00-01:00")).to.equal(undefined);
            expect(parseMaintenanceWindow("mon:00:00-mon:00:30")).to.deep.equal({ start: 0, length: 30 });
            expect(parseMaintenanceWindow("Sun:23:30-Mon:00:30")).to.deep.equal({ start: 6 * 1440 + 1410, length: 60 });
            expect(parseMaintenanceWindow("sun:04:30-sun:05:30")).to.deep.equal({ start: 6 * 1440 + 270, length: 60 });
            expect(parseMaintenanceWindow("sunday:04:30-sunday:05:30")).to.equal(undefined);
        });

        it("detects overlaps exactly as a minute-by-minute comparison over the week does", () => {
            const WEEK = 7 * 1440;
            fc.assert(
                fc.property(
                    fc.integer({ min: 0, max: 1439 }),
                    fc.integer({ min: 1, max: 1439 }),
                    fc.integer({ min: 0, max: WEEK - 1 }),
                    fc.integer({ min: 1, max: 3000 }),
                    (bStart, bLength, mStart, mLength) => {
                        const busy = new Uint8Array(WEEK);
                        for (let k = 0; k < mLength; k++) busy[(mStart + k) % WEEK] = 1;
                        let brute = false;
                        for (let day = 0; day < 7 && !brute; day++) {
                            for (let k = 0; k < bLength; k++) {
                                if (busy[(day * 1440 + bStart + k) % WEEK]) {
                                    brute = true;
                                    break;
                                }
                            }
                        }
                        const fast = windowsOverlap(
                            { start: bStart, length: bLength },
                            { start: mStart, length: mLength },
                        );
                        expect(fast).to.equal(brute);
                    },
                ),
                { numRuns: 200 },
            );
        });

        it("keeps the default windows apart", () => {
            const d = postgresDbDefaults(true);
            expect(
                windowsOverlap(parseBackupWindow(d.backupWindow)!, parseMaintenanceWindow(d.maintenanceWindow)!),
            ).to.equal(false);
        });
    });

    describe("parameter group and IAM documents", () => {
        it("forces TLS and sets the logging parameters, all applied without a reboot", () => {
            const params = postgresParameters({
                logMinDurationStatementMs: 500,
                logStatement: "ddl",
                logConnections: true,
                logDisconnections: false,
            });
            expect(params).to.deep.equal([
                { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
                { name: "log_min_duration_statement", value: "500", applyMethod: "immediate" },
                { name: "log_statement", value: "ddl", applyMethod: "immediate" },
                { name: "log_connections", value: "1", applyMethod: "immediate" },
                { name: "log_disconnections", value: "0", applyMethod: "immediate" },
                { name: "log_lock_waits", value: "1", applyMethod: "immediate" },
            ]);
        });

        it("lets only the RDS monitoring service of this account assume the monitoring role", () => {
            const scope = { partition: "aws", region: "eu-west-1", accountId: "123456789012", identifier: "app-db" };
            expect(monitoringTrustPolicy(scope)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "monitoring.rds.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: {
                            StringEquals: {
                                "aws:SourceAccount": "123456789012",
                                "aws:SourceArn": "arn:aws:rds:eu-west-1:123456789012:db:app-db",
                            },
                        },
                    },
                ],
            });
            expect(monitoringPolicyArn("aws-us-gov")).to.equal(
                "arn:aws-us-gov:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
            );
        });

        it("builds the rds-db:connect ARN prefix from the instance ARN", () => {
            expect(iamConnectArnPrefix("arn:aws:rds:eu-west-1:111122223333:db:app-db-prod", "db-ABC")).to.equal(
                "arn:aws:rds-db:eu-west-1:111122223333:dbuser:db-ABC",
            );
            expect(() => iamConnectArnPrefix("arn:aws:s3:::bucket", "db-ABC")).to.throw(
                "not an RDS DB instance ARN: arn:aws:s3:::bucket",
            );
        });
    });

    describe("settings", () => {
        it("applies dev defaults", () => {
            const s = resolvePostgresDbSettings(
                "db",
                { vpcId: "vpc-1", isolatedSubnetIds: SUBNETS, allowedSecurityGroupIds: [APP_SG] },
                "dev",
            );
            expect(s).to.deep.include({
                production: false,
                identifier: "db-dev",
                engineVersion: "17",
                parameterGroupFamily: "postgres17",
                instanceClass: "db.t4g.micro",
                allocatedStorageGb: 20,
                maxAllocatedStorageGb: 100,
                multiAz: false,
                backupRetentionDays: 1,
                deletionProtection: false,
                skipFinalSnapshot: true,
                performanceInsights: false,
                monitoringIntervalSeconds: 0,
                logRetentionDays: 7,
                logStatement: "none",
                applyImmediately: true,
                extendedSupport: false,
            });
        });

        it("applies production defaults", () => {
            const s = resolvePostgresDbSettings(
                "db",
                { vpcId: "vpc-1", isolatedSubnetIds: SUBNETS, allowedSecurityGroupIds: [APP_SG], production: true },
                "prod",
            );
            expect(s).to.deep.include({
                production: true,
                identifier: "db-prod",
                multiAz: true,
                backupRetentionDays: 7,
                deletionProtection: true,
                skipFinalSnapshot: false,
                performanceInsights: true,
                performanceInsightsRetentionDays: 7,
                monitoringIntervalSeconds: 60,
                logRetentionDays: 30,
                applyImmediately: false,
            });
        });

        it("refuses every bad argument with its name, its value and what was expected", () => {
            const cases: [Partial<PostgresDbArgs>, string][] = [
                [
                    { allocatedStorageGb: 10 },
                    "allocatedStorageGb: 10 is out of range: expected a whole number of GiB from 20 to 65536",
                ],
                [
                    { allocatedStorageGb: 20.5 },
                    "allocatedStorageGb: 20.5 is out of range: expected a whole number of GiB from 20 to 65536",
                ],
                [
                    { allocatedStorageGb: 100, maxAllocatedStorageGb: 50 },
                    "maxAllocatedStorageGb: 50 is below allocatedStorageGb (100): the storage autoscaling ceiling must be at least the initial size",
                ],
                [
                    { maxAllocatedStorageGb: 70000 },
                    "maxAllocatedStorageGb: 70000 is out of range: expected a whole number of GiB from 20 to 65536",
                ],
                [
                    { engineVersion: "15.4" as never },
                    'engineVersion: "15.4" is not a supported PostgreSQL major version: expected "16" or "17"',
                ],
                [
                    { engineVersion: "15" as never },
                    'engineVersion: "15" is not a supported PostgreSQL major version: expected "16" or "17"',
                ],
                [
                    { backupRetentionDays: 36 },
                    "backupRetentionDays: 36 is out of range: expected a whole number of days from 0 to 35",
                ],
                [
                    { backupRetentionDays: -1 },
                    "backupRetentionDays: -1 is out of range: expected a whole number of days from 0 to 35",
                ],
                [
                    { allowedSecurityGroupIds: [] },
                    "allowedSecurityGroupIds: [] is empty: expected at least one security group allowed to connect on port 5432",
                ],
                [
                    { isolatedSubnetIds: ["subnet-isolated-us-east-1a"] },
                    'isolatedSubnetIds: ["subnet-isolated-us-east-1a"] has fewer than two subnets: expected isolated subnets in at least two availability zones',
                ],
                [
                    { isolatedSubnetIds: [SUBNETS[0], SUBNETS[0]] },
                    'isolatedSubnetIds[1]: "subnet-isolated-us-east-1a" is listed twice',
                ],
                [
                    { isolatedSubnetIds: [SUBNETS[0], "sg-123"] },
                    'isolatedSubnetIds[1]: "sg-123" is not a subnet id (subnet-...)',
                ],
                [
                    { allowedSecurityGroupIds: ["10.0.0.0/16"] },
                    'allowedSecurityGroupIds[0]: "10.0.0.0/16" is not a security group id (sg-...)',
                ],
                [{ vpcId: "subnet-1" }, 'vpcId: "subnet-1" is not a VPC id (vpc-...)'],
                [
                    { instanceClass: "t4g.micro" },
                    'instanceClass: "t4g.micro" is not an RDS DB instance class such as db.t4g.micro (known families: db.t3, db.t4g, db.m5, db.m6i, db.m6g, db.m7g, db.r5, db.r6i, db.r6g, db.r7g; see components/shared/data/instanceTypes.json)',
                ],
                [
                    { identifier: "Prod_DB" },
                    'identifier: "Prod_DB" may contain only lowercase letters, digits and hyphens',
                ],
                [
                    { kmsKeyArn: "alias/aws/rds" },
                    'kmsKeyArn: "alias/aws/rds" is a KMS alias: pass the key ARN (arn:aws:kms:<region>:<account>:key/<id>), which RDS records in place of an alias (else a change on every deployment)',
                ],
                [
                    { dbName: "my-db" },
                    'dbName: "my-db" is not a database name: expected a letter then up to 62 letters, digits or underscores',
                ],
                [{ dbName: "template1" }, 'dbName: "template1" is reserved: choose another database name'],
                [
                    { masterUsername: "rdsadmin" },
                    'masterUsername: "rdsadmin" is reserved by PostgreSQL or RDS: choose another user name',
                ],
                [
                    { masterUsername: "pg_admin" },
                    'masterUsername: "pg_admin" is reserved by PostgreSQL or RDS: choose another user name',
                ],
                [
                    { backupWindow: "3-4" },
                    'backupWindow: "3-4" is not a daily window: expected hh24:mi-hh24:mi in UTC, e.g. 03:00-04:00',
                ],
                [
                    { backupWindow: "03:00-03:15" },
                    'backupWindow: "03:00-03:15" is shorter than 30 minutes: RDS needs at least 30',
                ],
                [
                    { maintenanceWindow: "sun:04:30" },
                    'maintenanceWindow: "sun:04:30" is not a weekly window: expected ddd:hh24:mi-ddd:hh24:mi in UTC, e.g. sun:04:30-sun:05:30',
                ],
                [
                    { backupWindow: "03:00-04:00", maintenanceWindow: "tue:03:30-tue:05:00" },
                    'maintenanceWindow: "tue:03:30-tue:05:00" overlaps backupWindow "03:00-04:00": RDS requires separate windows',
                ],
                [
                    { performanceInsightsRetentionDays: 30 },
                    "performanceInsightsRetentionDays: 30 is not a Performance Insights retention: expected 7 (free tier), a multiple of 31 below 731, or 731",
                ],
                [
                    { monitoringIntervalSeconds: 45 },
                    "monitoringIntervalSeconds: 45 is not an Enhanced Monitoring interval: expected one of 0, 1, 5, 10, 15, 30, 60 (0 disables it)",
                ],
                [
                    { logRetentionDays: 10 },
                    "logRetentionDays: 10 is not a CloudWatch Logs retention: expected one of 1, 3, 5, 7,",
                ],
                [
                    { logMinDurationStatementMs: -5 },
                    "logMinDurationStatementMs: -5 is out of range: expected a whole number of milliseconds from 0 to 2147483647, or -1 to disable",
                ],
                [
                    { logStatement: "verbose" as never },
                    'logStatement: "verbose" is not a log_statement value: expected one of "none", "ddl", "mod", "all"',
                ],
                [{ multiAz: "yes" as never }, 'multiAz: "yes" is not a boolean: expected true or false'],
                [
                    { caCertIdentifier: "my-ca" },
                    'caCertIdentifier: "my-ca" is not an RDS CA identifier such as rds-ca-rsa2048-g1',
                ],
            ];
            for (const [bad, message] of cases) {
                const error = settingsError(bad);
                expect(error, JSON.stringify(bad)).to.contain('PostgresDb "db": invalid value:\n  - ');
                expect(error, JSON.stringify(bad)).to.contain(message);
            }
        });

        it("refuses what a production database may not do", () => {
            const prod = (extra: Partial<PostgresDbArgs>) =>
                settingsError({ production: true, ...extra }, "db", "prod");
            expect(prod({ backupRetentionDays: 0 })).to.contain(
                "backupRetentionDays: 0 is below 7: a production database keeps at least 7 days of automated backups (0 would disable them)",
            );
            expect(prod({ backupRetentionDays: 3 })).to.contain("backupRetentionDays: 3 is below 7");
            expect(prod({ deletionProtection: false })).to.contain(
                "deletionProtection: false cannot be turned off for a production database",
            );
            expect(prod({ skipFinalSnapshot: true })).to.contain(
                "skipFinalSnapshot: true cannot be set for a production database: its final snapshot is never skipped",
            );
            // The same values are fine outside production.
            expect(() =>
                resolvePostgresDbSettings("db", devArgs({ backupRetentionDays: 0, deletionProtection: false }), "dev"),
            ).not.to.throw();
        });

        it("names a derived identifier that RDS would refuse, and how to fix it", () => {
            expect(settingsError({}, "1st-db", "dev")).to.contain(
                'identifier: "1st-db-dev" (derived from the name "1st-db" and the stack "dev") must start with a letter: pass an explicit identifier',
            );
            expect(() =>
                resolvePostgresDbSettings("1st-db", devArgs({ identifier: "first-db" }), "dev"),
            ).not.to.throw();
        });

        it("checks a whole Output list of subnets by the same rules once it is known", () => {
            expect(() => settingsError({ isolatedSubnetIds: pulumi.output(SUBNETS) })).to.throw("to be refused");
            expect(isolatedSubnetIdsWhenKnown("db", SUBNETS)).to.deep.equal(SUBNETS);
            expect(() => isolatedSubnetIdsWhenKnown("db", [SUBNETS[0], "sg-1"])).to.throw(
                [
                    'PostgresDb "db": invalid value:',
                    '  - isolatedSubnetIds[1]: "sg-1" is not a subnet id (subnet-...)',
                ].join("\n"),
            );
            expect(() => isolatedSubnetIdsWhenKnown("db", [SUBNETS[0]])).to.throw(
                'isolatedSubnetIds: ["subnet-isolated-us-east-1a"] has fewer than two subnets: expected isolated subnets in at least two availability zones',
            );
        });

        it("refuses a whole Output of security groups: one ingress rule per group needs the count up front", () => {
            expect(settingsError({ allowedSecurityGroupIds: pulumi.output([APP_SG]) as never })).to.contain(
                "allowedSecurityGroupIds: <output> is a whole Output: expected a list whose elements may be Outputs (one ingress rule is created per security group, so their number must be known before deployment)",
            );
        });

        it("lists every problem at once", () => {
            const message = settingsError({
                allocatedStorageGb: 5,
                allowedSecurityGroupIds: [],
                engineVersion: "14" as never,
            });
            expect(message).to.match(/^PostgresDb "db": invalid values:\n/);
            expect(message.split("\n  - ")).to.have.length(4);
            expect(message).to.contain("allocatedStorageGb: 5");
            expect(message).to.contain("allowedSecurityGroupIds: []");
            expect(message).to.contain('engineVersion: "14"');
        });

        it("accepts storage exactly when 20 <= allocated, allocated + 10% <= max <= 65536 in whole GiB", () => {
            const size = fc.oneof(
                fc.integer({ min: -5, max: 70000 }),
                fc.constantFrom(19, 20, 21, 22, 23, 100, 109, 110, 111, 59578, 59579, 65535, 65536, 65537),
            );
            fc.assert(
                fc.property(size, size, (allocated, max) => {
                    // RDS refuses a ceiling less than 10 % above the allocated storage ("Invalid max storage size").
                    const ok = allocated >= 20 && max * 100 >= allocated * 110 && max <= 65536;
                    let accepted = true;
                    try {
                        resolvePostgresDbSettings(
                            "db",
                            devArgs({ allocatedStorageGb: allocated, maxAllocatedStorageGb: max }),
                            "dev",
                        );
                    } catch {
                        accepted = false;
                    }
                    expect(accepted, `${allocated}/${max}`).to.equal(ok);
                }),
                { numRuns: 300 },
            );
        });

        it("refuses a storage ceiling that is not 10% above the initial size, which RDS would reject", () => {
            // A ceiling equal to the initial size was accepted before, and CreateDBInstance failed with it.
            expect(settingsError({ allocatedStorageGb: 100, maxAllocatedStorageGb: 100 })).to.contain(
                "maxAllocatedStorageGb: 100 is less than 10% above allocatedStorageGb (100): RDS refuses such a storage autoscaling ceiling; expected at least 110",
            );
            expect(settingsError({ allocatedStorageGb: 20, maxAllocatedStorageGb: 21 })).to.contain(
                "maxAllocatedStorageGb: 21 is less than 10% above allocatedStorageGb (20): RDS refuses such a storage autoscaling ceiling; expected at least 22",
            );
            expect(
                resolvePostgresDbSettings("db", devArgs({ allocatedStorageGb: 100, maxAllocatedStorageGb: 110 }), "dev")
                    .maxAllocatedStorageGb,
            ).to.equal(110);
            expect(settingsError({ allocatedStorageGb: 60000, maxAllocatedStorageGb: 65536 })).to.contain(
                "maxAllocatedStorageGb: 65536 leaves no room for storage autoscaling: RDS needs a ceiling at least 10% above allocatedStorageGb (60000), i.e. 66000, beyond the 65536 GiB maximum; lower allocatedStorageGb",
            );
        });

        it("defaults the storage ceiling to 100 GiB, or 26% above a larger initial size, always one RDS accepts", () => {
            const ceiling = (allocatedStorageGb: number) =>
                resolvePostgresDbSettings(
                    "db",
                    {
                        vpcId: "vpc-1",
                        isolatedSubnetIds: SUBNETS,
                        allowedSecurityGroupIds: [APP_SG],
                        allocatedStorageGb,
                    },
                    "dev",
                ).maxAllocatedStorageGb;
            expect(ceiling(20)).to.equal(100);
            expect(ceiling(79)).to.equal(100);
            // The old default (the initial size itself from 100 GiB up) is refused by RDS.
            expect(ceiling(100)).to.equal(126);
            expect(ceiling(200)).to.equal(252);
            expect(ceiling(59578)).to.equal(65536);
            fc.assert(
                fc.property(fc.integer({ min: 20, max: 59578 }), (allocated) => {
                    const max = ceiling(allocated);
                    expect(max * 100, `${allocated}`).to.be.at.least(allocated * 110);
                    expect(max).to.be.at.most(65536);
                }),
                { numRuns: 200 },
            );
        });

        it("accepts backup retention 0-35 outside production and 7-35 in production", () => {
            fc.assert(
                fc.property(fc.integer({ min: -3, max: 40 }), fc.boolean(), (days, production) => {
                    const ok = days >= (production ? 7 : 0) && days <= 35;
                    let accepted = true;
                    try {
                        resolvePostgresDbSettings("db", devArgs({ production, backupRetentionDays: days }), "dev");
                    } catch {
                        accepted = false;
                    }
                    expect(accepted, `${days} production=${production}`).to.equal(ok);
                }),
                { numRuns: 200 },
            );
        });
    });

    describe("bad input through the component registers nothing", () => {
        const cases: [string, Partial<PostgresDbArgs>, string][] = [
            ["storage below 20 GB", { allocatedStorageGb: 10 }, "allocatedStorageGb: 10"],
            ["max below allocated", { allocatedStorageGb: 40, maxAllocatedStorageGb: 30 }, "maxAllocatedStorageGb: 30"],
            [
                "max equal to allocated",
                { allocatedStorageGb: 200, maxAllocatedStorageGb: 200 },
                "maxAllocatedStorageGb: 200 is less than 10% above allocatedStorageGb (200)",
            ],
            ["an unsupported major version", { engineVersion: "15.4" as never }, 'engineVersion: "15.4"'],
            ["retention above 35", { backupRetentionDays: 40 }, "backupRetentionDays: 40"],
            ["retention 0 in production", { production: true, backupRetentionDays: 0 }, "backupRetentionDays: 0"],
            ["no allowed security groups", { allowedSecurityGroupIds: [] }, "allowedSecurityGroupIds: []"],
            ["one isolated subnet", { isolatedSubnetIds: [SUBNETS[0]] }, "isolatedSubnetIds: "],
        ];
        for (const [what, bad, key] of cases) {
            it(`refuses ${what}`, async () => {
                const message = await failsBeforeRegistering(() => new PostgresDb("bad", devArgs(bad)));
                expect(message).to.contain('PostgresDb "bad": invalid value');
                expect(message).to.contain(key);
            });
        }
    });

    describe("dev", () => {
        let rec: Recording;
        let db: PostgresDb;
        let instance: Registration;

        before(async () => {
            ID = defaultIdentifier("db", pulumi.getStack());
            rec = await record(() => {
                db = new PostgresDb("db", devArgs());
            });
            instance = rec.one(INSTANCE);
        });

        it("runs encrypted PostgreSQL 17 on gp3 with storage autoscaling", () => {
            expect(ID).to.match(/^db-[a-z0-9-]+$/);
            expect(instance.inputs).to.include({
                identifier: ID,
                engine: "postgres",
                engineVersion: "17",
                allowMajorVersionUpgrade: false,
                autoMinorVersionUpgrade: true,
                instanceClass: "db.t4g.micro",
                allocatedStorage: 20,
                maxAllocatedStorage: 50,
                storageType: "gp3",
                storageEncrypted: true,
                engineLifecycleSupport: "open-source-rds-extended-support-disabled",
                caCertIdentifier: "rds-ca-rsa2048-g1",
            });
            // AWS managed key by default.
            expect(instance.inputs).not.to.have.property("kmsKeyId");
        });

        it("is private: isolated subnet group, not publicly accessible, its own security group only", async () => {
            const subnetGroup = rec.one(SUBNET_GROUP);
            const sgId = await valueOf(db.securityGroupId);
            expect(sgId).to.match(/^sg-/);
            expect(instance.inputs.publiclyAccessible).to.equal(false);
            expect(subnetGroup.inputs.subnetIds).to.deep.equal(SUBNETS);
            expect(subnetGroup.inputs.namePrefix).to.equal(`${ID}-`);
            expect(instance.inputs.dbSubnetGroupName).to.equal(subnetGroup.state.name);
            expect(instance.dependencies).to.include(subnetGroup.urn);
            expect(instance.inputs.vpcSecurityGroupIds).to.deep.equal([sgId]);
            expect(instance.dependencies).to.include(rec.one(SG).urn);
        });

        it("admits 5432 only from the allowed security groups, with no CIDR rule and no egress", async () => {
            const sg = rec.one(SG);
            expect(sg.inputs.vpcId).to.equal("vpc-0a1b2c3d4e5f67890");
            expect(sg.inputs.namePrefix).to.equal(`rds-${ID}-`);
            expect(sg.inputs).not.to.have.property("ingress");
            expect(sg.inputs).not.to.have.property("egress");
            expect(rec.ofType(EGRESS)).to.have.length(0);
            const rules = rec.ofType(INGRESS);
            expect(rules).to.have.length(1);
            expect(rules[0].inputs).to.include({
                referencedSecurityGroupId: APP_SG,
                ipProtocol: "tcp",
                fromPort: 5432,
                toPort: 5432,
            });
            expect(rules[0].inputs).not.to.have.any.keys("cidrIpv4", "cidrIpv6", "prefixListId");
            expect(rules[0].inputs.securityGroupId).to.equal(await valueOf(db.securityGroupId));
            expect(rules[0].dependencies).to.include(sg.urn);
        });

        it("keeps the master password in Secrets Manager: no password input anywhere", async () => {
            expect(instance.inputs).to.include({ manageMasterUserPassword: true, username: "dbadmin", dbName: "app" });
            for (const r of rec.resources) {
                const passwordKeys = keyPaths(r.inputs).filter(
                    (k) => /password/i.test(k.split(".").pop()!) && k !== "manageMasterUserPassword",
                );
                expect(passwordKeys, `${r.type} ${r.name}`).to.deep.equal([]);
            }
            expect(await valueOf(db.masterUserSecretArn)).to.match(
                /^arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!/,
            );
        });

        it("attaches a parameter group that forces TLS", () => {
            const params = rec.one(PARAMS);
            expect(params.inputs.family).to.equal("postgres17");
            expect(params.inputs.namePrefix).to.equal(`${ID}-postgres17-`);
            expect(params.inputs.parameters).to.deep.include({
                name: "rds.force_ssl",
                value: "1",
                applyMethod: "immediate",
            });
            expect(instance.inputs.parameterGroupName).to.equal(params.state.name);
            expect(instance.dependencies).to.include(params.urn);
        });

        it("creates the log groups with retention before the instance", () => {
            const groups = rec.ofType(LOG_GROUP);
            expect(groups.map((g) => g.inputs.name)).to.have.members([
                `/aws/rds/instance/${ID}/postgresql`,
                `/aws/rds/instance/${ID}/upgrade`,
            ]);
            for (const g of groups) {
                expect(g.inputs.retentionInDays).to.equal(7);
                expect(instance.dependencies).to.include(g.urn);
                expect(rec.resources.indexOf(g)).to.be.below(rec.resources.indexOf(instance));
            }
            expect(instance.inputs.enabledCloudwatchLogsExports).to.deep.equal(["postgresql", "upgrade"]);
        });

        it("backs up, tags snapshots, uses IAM auth; single-AZ and unprotected as a dev database", () => {
            expect(instance.inputs).to.include({
                backupRetentionPeriod: 1,
                backupWindow: "03:00-04:00",
                maintenanceWindow: "sun:04:30-sun:05:30",
                copyTagsToSnapshot: true,
                iamDatabaseAuthenticationEnabled: true,
                multiAz: false,
                deletionProtection: false,
                skipFinalSnapshot: true,
                performanceInsightsEnabled: false,
                monitoringInterval: 0,
                applyImmediately: true,
                deleteAutomatedBackups: true,
            });
            expect(instance.inputs).not.to.have.property("finalSnapshotIdentifier");
            expect(instance.inputs).not.to.have.property("monitoringRoleArn");
            expect(rec.ofType(ROLE)).to.have.length(0);
            expect(instance.protect).to.equal(false);
            expect(instance.retainOnDelete).to.equal(false);
        });

        it("parents, names and tags every child", () => {
            const component = rec.one(COMPONENT, "db");
            const children = rec.resources.filter((r) => r !== component);
            expect(children.length).to.be.greaterThan(0);
            for (const child of children) {
                expect(child.parent, child.name).to.equal(component.urn);
                expect(child.name).to.match(/^db-/);
                if (child.type !== ATTACHMENT) {
                    expect(child.inputs.tags, child.name).to.deep.equal({
                        Project: "aws-webapp",
                        Environment: "dev",
                        Name: child.name,
                    });
                }
            }
        });

        it("exposes connection details and the identifiers alarms and IAM policies need", async () => {
            expect(await valueOf(db.address)).to.match(new RegExp(`^${ID}\\..+\\.us-east-1\\.rds\\.amazonaws\\.com$`));
            expect(await valueOf(db.endpoint)).to.equal(`${await valueOf(db.address)}:5432`);
            expect(await valueOf(db.port)).to.equal(5432);
            expect(await valueOf(db.dbName)).to.equal("app");
            expect(await valueOf(db.masterUsername)).to.equal("dbadmin");
            expect(await valueOf(db.instanceIdentifier)).to.equal(ID);
            expect(await valueOf(db.metricDimensions)).to.deep.equal({ DBInstanceIdentifier: ID });
            const resourceId = await valueOf(db.resourceId);
            expect(resourceId).to.match(/^db-[0-9A-F]+$/);
            expect(await valueOf(db.iamConnectArnPrefix)).to.equal(
                `arn:aws:rds-db:us-east-1:123456789012:dbuser:${resourceId}`,
            );
            expect(await valueOf(db.logGroupNames.postgresql)).to.equal(`/aws/rds/instance/${ID}/postgresql`);
            expect(db.allocatedStorageGb).to.equal(20);
            expect(db.maxAllocatedStorageGb).to.equal(50);
            expect(await valueOf(db.monitoringRoleArn)).to.equal(undefined);
        });
    });

    describe("prod", () => {
        let rec: Recording;
        let db: PostgresDb;
        let instance: Registration;

        before(async () => {
            ID = defaultIdentifier("db", pulumi.getStack());
            rec = await record(() => {
                db = new PostgresDb("db", prodArgs({ allowedSecurityGroupIds: [APP_SG, "sg-0fedcba9876543210"] }));
            });
            instance = rec.one(INSTANCE);
        });

        it("is Multi-AZ, deletion-protected, snapshots on delete and keeps 7 days of backups", () => {
            expect(instance.inputs).to.include({
                instanceClass: "db.t4g.small",
                storageEncrypted: true,
                publiclyAccessible: false,
                manageMasterUserPassword: true,
                multiAz: true,
                deletionProtection: true,
                skipFinalSnapshot: false,
                backupRetentionPeriod: 7,
                deleteAutomatedBackups: false,
                applyImmediately: false,
                maxAllocatedStorage: 200,
            });
        });

        it("names its final snapshot uniquely per instance: a random suffix kept for the identifier", () => {
            const suffix = rec.ofType("random:index/randomId:RandomId");
            expect(suffix, "one suffix").to.have.length(1);
            expect(suffix[0].inputs).to.deep.include({ byteLength: 4, keepers: { identifier: ID } });
            const hex = suffix[0].state.hex as string;
            expect(hex).to.match(/^[0-9a-f]{8}$/);
            expect(instance.inputs.finalSnapshotIdentifier).to.equal(`${ID}-final-${hex}`);
            // RDS: letters, digits and single hyphens, starting with a letter, at most 255 characters.
            expect(instance.inputs.finalSnapshotIdentifier).to.match(/^[a-z](?!.*--)[a-z0-9-]{0,253}[a-z0-9]$/);
        });

        it("is protected from pulumi destroy and retained on delete (resource options, not only inputs)", () => {
            expect(instance.protect).to.equal(true);
            expect(instance.retainOnDelete).to.equal(true);
        });

        it("turns on Performance Insights and Enhanced Monitoring with a least-privilege role", () => {
            expect(instance.inputs).to.include({
                performanceInsightsEnabled: true,
                performanceInsightsRetentionPeriod: 7,
                monitoringInterval: 60,
            });
            const role = rec.one(ROLE);
            expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal(
                monitoringTrustPolicy({
                    partition: "aws",
                    region: "us-east-1",
                    accountId: "123456789012",
                    identifier: ID,
                }),
            );
            const attachment = rec.one(ATTACHMENT);
            expect(attachment.inputs.policyArn).to.equal(
                "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
            );
            expect(attachment.inputs.role).to.equal(role.state.name);
            expect(attachment.dependencies).to.include(role.urn);
            expect(instance.inputs.monitoringRoleArn).to.equal(role.state.arn);
            expect(instance.dependencies).to.include(attachment.urn);
        });

        it("admits each allowed security group with its own rule", () => {
            const sources = rec.ofType(INGRESS).map((r) => r.inputs.referencedSecurityGroupId);
            expect(sources).to.have.members([APP_SG, "sg-0fedcba9876543210"]);
            for (const r of rec.ofType(INGRESS)) {
                expect(r.inputs).to.include({ fromPort: 5432, toPort: 5432, ipProtocol: "tcp" });
                expect(r.inputs).not.to.have.any.keys("cidrIpv4", "cidrIpv6", "prefixListId");
            }
        });

        it("keeps the TLS parameter, the log groups first and no password anywhere", () => {
            const params = rec.one(PARAMS);
            expect(params.inputs.parameters).to.deep.include({
                name: "rds.force_ssl",
                value: "1",
                applyMethod: "immediate",
            });
            expect(instance.inputs.parameterGroupName).to.equal(params.state.name);
            for (const g of rec.ofType(LOG_GROUP)) {
                expect(g.inputs.retentionInDays).to.equal(30);
                expect(instance.dependencies).to.include(g.urn);
            }
            for (const r of rec.resources) {
                expect(JSON.stringify(r.inputs), r.name).not.to.match(/"(master)?password(wo)?"\s*:/i);
            }
        });

        it("exposes the metric dimensions of the instance", async () => {
            expect(await valueOf(db.metricDimensions)).to.deep.equal({ DBInstanceIdentifier: ID });
            expect(await valueOf(db.monitoringRoleArn)).to.equal(rec.one(ROLE).state.arn);
        });
    });

    describe("options", () => {
        it("uses a customer key for storage, the master secret and Performance Insights", async () => {
            const rec = await record(
                () => new PostgresDb("keyed", prodArgs({ kmsKeyArn: KEY, identifier: "keyed-db" })),
            );
            expect(rec.one(INSTANCE).inputs).to.include({
                identifier: "keyed-db",
                kmsKeyId: KEY,
                masterUserSecretKmsKeyId: KEY,
                performanceInsightsKmsKeyId: KEY,
            });
        });

        it("runs PostgreSQL 16 with the postgres16 parameter family and custom logging", async () => {
            const rec = await record(
                () =>
                    new PostgresDb(
                        "pg16",
                        devArgs({ engineVersion: "16", logStatement: "ddl", logMinDurationStatementMs: -1 }),
                    ),
            );
            expect(rec.one(INSTANCE).inputs.engineVersion).to.equal("16");
            const params = rec.one(PARAMS);
            expect(params.inputs.family).to.equal("postgres16");
            expect(params.inputs.parameters).to.deep.include({
                name: "log_statement",
                value: "ddl",
                applyMethod: "immediate",
            });
            expect(params.inputs.parameters).to.deep.include({
                name: "log_min_duration_statement",
                value: "-1",
                applyMethod: "immediate",
            });
        });

        it("accepts ids that are Outputs, element by element", async () => {
            const rec = await record(
                () =>
                    new PostgresDb(
                        "wired",
                        devArgs({
                            vpcId: pulumi.output("vpc-0a1b2c3d4e5f67890"),
                            isolatedSubnetIds: SUBNETS.map((s) => pulumi.output(s)),
                            allowedSecurityGroupIds: [pulumi.output(APP_SG)],
                        }),
                    ),
            );
            expect(rec.one(SUBNET_GROUP).inputs.subnetIds).to.deep.equal(SUBNETS);
            expect(rec.one(INGRESS).inputs.referencedSecurityGroupId).to.equal(APP_SG);
        });

        it("accepts a whole Output<string[]> of subnets (SecureVpc.isolatedSubnetIds)", async () => {
            const rec = await record(
                () => new PostgresDb("whole", devArgs({ isolatedSubnetIds: pulumi.output(SUBNETS) })),
            );
            expect(rec.one(SUBNET_GROUP).inputs.subnetIds).to.deep.equal(SUBNETS);
        });
    });
});
