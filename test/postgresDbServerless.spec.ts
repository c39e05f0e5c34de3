import { failsBeforeRegistering, mocksReady, record, Recording, Registration, valueOf } from "./harness/mocks";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { PostgresDb, PostgresDbArgs, SERVERLESS_DEFAULTS } from "../components/database";
import { auroraVersionProblem, clusterInstanceIdentifiers } from "../components/database/serverless";
import { defaultIdentifier, resolvePostgresDbSettings } from "../components/database/validation";

const CLUSTER = "aws:rds/cluster:Cluster";
const CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const CLUSTER_PARAMS = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
const INSTANCE = "aws:rds/instance:Instance";
const PARAMS = "aws:rds/parameterGroup:ParameterGroup";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const ROLE = "aws:iam/role:Role";
const SUBNETS = ["subnet-isolated-us-east-1a", "subnet-isolated-us-east-1b"];
const APP_SG = "sg-0123456789abcdef0";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function args(extra: Partial<PostgresDbArgs> = {}): PostgresDbArgs {
    return {
        vpcId: "vpc-0a1b2c3d4e5f67890",
        isolatedSubnetIds: SUBNETS,
        allowedSecurityGroupIds: [APP_SG],
        mode: "serverless",
        logRetentionDays: 7,
        tags: { Project: "aws-webapp", Environment: "dev" },
        ...extra,
    };
}

const problemsOf = (a: PostgresDbArgs): string[] => {
    try {
        resolvePostgresDbSettings("db", a, "dev");
        return [];
    } catch (e) {
        return (e as { problems: string[] }).problems;
    }
};

describe("PostgresDb serverless mode (Aurora PostgreSQL Serverless v2)", () => {
    before(() => mocksReady);

    describe("settings", () => {
        it("accepts the engine versions that scale to zero and names the first one of each major", () => {
            for (const v of ["13.15", "14.12", "15.7", "16.3", "16.6", "17.4"])
                expect(auroraVersionProblem(v), v).to.equal(undefined);
            expect(auroraVersionProblem("16.2")).to.equal(
                "cannot scale to zero: Aurora PostgreSQL 16 pauses from 16.3; expected 13.15+, 14.12+, 15.7+, 16.3+, 17.4+",
            );
            expect(auroraVersionProblem("15.6")).to.match(
                /^cannot scale to zero: Aurora PostgreSQL 15 pauses from 15\.7/,
            );
            expect(auroraVersionProblem("12.20")).to.match(/^is not an Aurora PostgreSQL major this component deploys/);
            expect(auroraVersionProblem("16")).to.match(/^is not an Aurora PostgreSQL version: expected major\.minor/);
        });

        it("defaults to 0 to 2 ACU, a pause after 5 minutes and Aurora PostgreSQL 16.6", () => {
            const s = resolvePostgresDbSettings("db", args(), "dev");
            expect(s.mode).to.equal("serverless");
            expect(s.serverless).to.deep.equal({
                auroraEngineVersion: SERVERLESS_DEFAULTS.auroraEngineVersion,
                clusterParameterGroupFamily: "aurora-postgresql16",
                minCapacityAcu: 0,
                maxCapacityAcu: 2,
                secondsUntilAutoPause: 300,
            });
            expect(resolvePostgresDbSettings("db", { ...args(), mode: undefined }, "dev").serverless).to.equal(
                undefined,
            );
        });

        it("reports every bad serverless argument at once, with key, value and expectation", () => {
            expect(
                problemsOf(
                    args({
                        auroraEngineVersion: "14.10",
                        minCapacityAcu: 0.25,
                        maxCapacityAcu: 300,
                        secondsUntilAutoPause: 60,
                        instanceClass: "db.t4g.micro",
                        allocatedStorageGb: 20,
                        backupRetentionDays: 0,
                    }),
                ),
            ).to.deep.equal([
                'instanceClass: "db.t4g.micro" does not apply in mode "serverless": leave it unset',
                'allocatedStorageGb: 20 does not apply in mode "serverless": leave it unset',
                'auroraEngineVersion: "14.10" cannot scale to zero: Aurora PostgreSQL 14 pauses from 14.12; expected 13.15+, 14.12+, 15.7+, 16.3+, 17.4+',
                "minCapacityAcu: 0.25 is not a multiple of 0.5: expected a capacity in ACU from 0 to 256 in steps of 0.5",
                "maxCapacityAcu: 300 is out of range: expected a capacity in ACU from 1 to 256 in steps of 0.5",
                "secondsUntilAutoPause: 60 is out of range: expected an integer from 300 to 86400",
                "backupRetentionDays: 0 cannot be 0 in serverless mode: Aurora keeps at least 1 day",
            ]);
        });

        it("refuses a pause without a 0 minimum, a maximum below the minimum and a too long identifier", () => {
            expect(
                problemsOf(args({ minCapacityAcu: 4, maxCapacityAcu: 2, secondsUntilAutoPause: 600 })),
            ).to.deep.equal([
                "maxCapacityAcu: 2 is below minCapacityAcu (4): expected at least 4",
                "secondsUntilAutoPause: 600 needs minCapacityAcu 0 (it is 4): only a cluster that scales to zero pauses",
            ]);
            expect(problemsOf(args({ identifier: `a${"b".repeat(57)}` }))).to.deep.equal([
                `identifier: "a${"b".repeat(57)}" is 58 characters long: the serverless mode's instances append "-writer", so expected at most 56`,
            ]);
            expect(problemsOf({ ...args(), mode: "aurora" as never })).to.deep.equal([
                'mode: "aurora" is not a PostgresDb mode: expected "instance" or "serverless"',
            ]);
        });

        it("refuses serverless arguments in instance mode (they would be ignored)", () => {
            expect(problemsOf({ ...args(), mode: "instance", maxCapacityAcu: 4 })).to.deep.equal([
                'maxCapacityAcu: 4 does not apply in mode "instance": leave it unset',
            ]);
        });

        it("bad input registers nothing", async () => {
            const message = await failsBeforeRegistering(() => new PostgresDb("bad", args({ maxCapacityAcu: 0 })));
            expect(message).to.contain("maxCapacityAcu: 0 is out of range");
        });

        it("names the writer, and a reader in another zone with multiAz", () => {
            expect(clusterInstanceIdentifiers("db-dev", false)).to.deep.equal(["db-dev-writer"]);
            expect(clusterInstanceIdentifiers("db-dev", true)).to.deep.equal(["db-dev-writer", "db-dev-reader"]);
        });
    });

    describe("dev: scales to zero", () => {
        let rec: Recording;
        let db: PostgresDb;
        let cluster: Registration;
        let ID = "";

        before(async () => {
            ID = defaultIdentifier("db", pulumi.getStack());
            rec = await record(() => {
                db = new PostgresDb("db", args({ kmsKeyArn: KEY }));
            });
            cluster = rec.one(CLUSTER);
        });

        it("runs Aurora PostgreSQL Serverless v2 from 0 ACU with automatic pause, and no RDS instance", () => {
            expect(cluster.inputs).to.include({
                clusterIdentifier: ID,
                engine: "aurora-postgresql",
                engineMode: "provisioned",
                engineVersion: "16.6",
                allowMajorVersionUpgrade: false,
            });
            expect(cluster.inputs.serverlessv2ScalingConfiguration).to.deep.equal({
                minCapacity: 0,
                maxCapacity: 2,
                secondsUntilAutoPause: 300,
            });
            const [writer] = rec.ofType(CLUSTER_INSTANCE);
            expect(rec.ofType(CLUSTER_INSTANCE)).to.have.length(1);
            expect(writer.inputs).to.include({
                identifier: `${ID}-writer`,
                instanceClass: "db.serverless",
                engine: "aurora-postgresql",
                publiclyAccessible: false,
                autoMinorVersionUpgrade: false,
                caCertIdentifier: "rds-ca-rsa2048-g1",
            });
            expect(writer.dependencies).to.include(cluster.urn);
            expect(rec.ofType(INSTANCE)).to.have.length(0);
            expect(rec.ofType(PARAMS)).to.have.length(0);
        });

        it("encrypts with the given key, keeps the master password in Secrets Manager and signs in with IAM", () => {
            expect(cluster.inputs).to.include({
                storageEncrypted: true,
                kmsKeyId: KEY,
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: KEY,
                iamDatabaseAuthenticationEnabled: true,
                databaseName: "app",
                masterUsername: "dbadmin",
                port: 5432,
            });
            expect(cluster.inputs).not.to.have.property("masterPassword");
        });

        it("forces TLS through the cluster parameter group and exports its log to a retained group", () => {
            const params = rec.one(CLUSTER_PARAMS);
            expect(params.inputs.family).to.equal("aurora-postgresql16");
            expect(params.inputs.parameters).to.deep.include({
                name: "rds.force_ssl",
                value: "1",
                applyMethod: "immediate",
            });
            expect(cluster.inputs.dbClusterParameterGroupName).to.equal(params.state.name);
            expect(cluster.inputs.enabledCloudwatchLogsExports).to.deep.equal(["postgresql"]);
            const logs = rec.ofType(LOG_GROUP);
            expect(logs.map((l) => l.inputs.name)).to.deep.equal([`/aws/rds/cluster/${ID}/postgresql`]);
            expect(logs[0].inputs.retentionInDays).to.equal(7);
            expect(cluster.dependencies).to.include(logs[0].urn);
        });

        it("keeps the instance mode's network children: same names, isolated subnets, its own group", () => {
            expect(rec.one(SG).name).to.equal("db-sg");
            expect(rec.one(SUBNET_GROUP).name).to.equal("db-subnets");
            expect(cluster.inputs.vpcSecurityGroupIds).to.deep.equal([rec.one(SG).state.id ?? rec.one(SG).id]);
            expect(cluster.inputs.dbSubnetGroupName).to.equal(rec.one(SUBNET_GROUP).state.name);
        });

        it("is unprotected as a dev database: no deletion protection, no final snapshot", () => {
            expect(cluster.inputs).to.include({
                deletionProtection: false,
                skipFinalSnapshot: true,
                backupRetentionPeriod: 1,
                copyTagsToSnapshot: true,
            });
            expect(cluster.inputs).not.to.have.property("finalSnapshotIdentifier");
            expect(cluster.protect).to.equal(false);
        });

        it("has the instance mode's outputs: endpoint, secret, cluster resource id for rds-db:connect", async () => {
            const address = await valueOf(db.address);
            expect(address).to.match(new RegExp(`^${ID}\\.cluster-.+\\.us-east-1\\.rds\\.amazonaws\\.com$`));
            expect(await valueOf(db.endpoint)).to.equal(`${address}:5432`);
            expect(await valueOf(db.port)).to.equal(5432);
            expect(await valueOf(db.masterUserSecretArn)).to.match(
                /^arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-/,
            );
            const resourceId = await valueOf(db.resourceId);
            expect(resourceId).to.match(/^cluster-[0-9A-F]+$/);
            expect(await valueOf(db.iamConnectArnPrefix)).to.equal(
                `arn:aws:rds-db:us-east-1:123456789012:dbuser:${resourceId}`,
            );
            expect(await valueOf(db.arn)).to.equal(`arn:aws:rds:us-east-1:123456789012:cluster:${ID}`);
            expect(await valueOf(db.instanceIdentifier)).to.equal(`${ID}-writer`);
            expect(await valueOf(db.metricDimensions)).to.deep.equal({ DBInstanceIdentifier: `${ID}-writer` });
            expect(await valueOf(db.securityGroupId)).to.equal(await valueOf(rec.one(SG).state.id ?? rec.one(SG).id));
            expect(db.logGroupNames.upgrade).to.equal(undefined);
            expect(db.allocatedStorageGb).to.equal(0);
        });

        it("admits a security group created later with allowFrom", async () => {
            const later = await record(() => {
                const d = new PostgresDb("db2", args({ allowedSecurityGroupIds: undefined }));
                d.allowFrom("web", "sg-0fedcba9876543210");
            });
            const rule = later.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
            expect(rule.name).to.equal("db2-from-web");
            expect(rule.inputs).to.include({
                referencedSecurityGroupId: "sg-0fedcba9876543210",
                fromPort: 5432,
                toPort: 5432,
            });
        });
    });

    describe("production", () => {
        let rec: Recording;
        let ID = "";

        before(async () => {
            ID = defaultIdentifier("db", pulumi.getStack());
            rec = await record(
                () =>
                    new PostgresDb("db", {
                        ...args({ tags: { Environment: "prod" } }),
                        production: true,
                        minCapacityAcu: 0.5,
                        maxCapacityAcu: 8,
                    }),
            );
        });

        it("protects the cluster: deletion protection, a uniquely named final snapshot, 7 days of backups", () => {
            const cluster = rec.one(CLUSTER);
            expect(cluster.inputs).to.include({
                deletionProtection: true,
                skipFinalSnapshot: false,
                backupRetentionPeriod: 7,
            });
            expect(cluster.inputs.finalSnapshotIdentifier).to.match(new RegExp(`^${ID}-final-[0-9a-f]{8}$`));
            expect(cluster.protect).to.equal(true);
            expect(cluster.retainOnDelete).to.equal(true);
            expect(cluster.inputs.serverlessv2ScalingConfiguration).to.deep.equal({ minCapacity: 0.5, maxCapacity: 8 });
        });

        it("runs a writer and a reader, with Performance Insights and Enhanced Monitoring scoped to both", () => {
            const instances = rec.ofType(CLUSTER_INSTANCE);
            expect(instances.map((i) => [i.inputs.identifier, i.inputs.promotionTier])).to.deep.equal([
                [`${ID}-writer`, 0],
                [`${ID}-reader`, 1],
            ]);
            for (const i of instances) {
                expect(i.inputs).to.include({ performanceInsightsEnabled: true, monitoringInterval: 60 });
                expect(i.protect).to.equal(true);
            }
            const trust = JSON.parse(rec.one(ROLE).inputs.assumeRolePolicy);
            expect(trust.Statement[0].Condition.StringEquals["aws:SourceArn"]).to.deep.equal([
                `arn:aws:rds:us-east-1:123456789012:db:${ID}-writer`,
                `arn:aws:rds:us-east-1:123456789012:db:${ID}-reader`,
            ]);
        });
    });
});
