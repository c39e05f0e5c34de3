/**
 * The shared vocabulary of checks (components/shared/): exact messages, and
 * properties over generated inputs where the input space is large.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import {
    all,
    boolean,
    email,
    hostName,
    iamPolicyArn,
    integer,
    isEmailAddress,
    kmsKeyArn,
    LOG_RETENTION_DAYS,
    logRetentionDays,
    matching,
    nonEmptyString,
    number,
    oneOf,
    optional,
} from "../components/shared/checks";
import {
    architectureOfInstanceType,
    DB_INSTANCE_CLASSES,
    dbInstanceClass,
    dbInstanceClassInfo,
    INSTANCE_TYPES,
    instanceType,
    instanceTypeInfo,
} from "../components/shared/instanceTypes";
import { awsRegion, REGIONS, regionInfo, zonesOf } from "../components/shared/regions";
import { checkTags, MAX_TAGS, tagProblems } from "../components/shared/tags";
import { Problems, ValidationError } from "../components/shared/validation";
import { fromCheck } from "../components/shared/zodCheck";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const MRK = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab";
const ALIAS = "arn:aws:kms:us-east-1:123456789012:alias/app";

describe("shared checks", () => {
    describe("integer", () => {
        const check = integer(1, 5);
        it("says what is wrong and the range", () => {
            expect(check("3")).to.equal("is not a number: expected an integer from 1 to 5");
            expect(check(NaN)).to.equal("is not a number: expected an integer from 1 to 5");
            expect(check(2.5)).to.equal("is not a whole number: expected an integer from 1 to 5");
            expect(check(0)).to.equal("is out of range: expected an integer from 1 to 5");
            expect(check(6)).to.equal("is out of range: expected an integer from 1 to 5");
            expect(check(1)).to.equal(undefined);
            expect(check(5)).to.equal(undefined);
        });
        it("accepts exactly the whole numbers of the range", () => {
            fc.assert(
                fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 }), (a, b) => {
                    const [lo, hi] = a <= b ? [a, b] : [b, a];
                    const c = integer(lo, hi);
                    for (const v of [lo - 1, lo, Math.floor((lo + hi) / 2), hi, hi + 1]) {
                        expect(c(v) === undefined, String(v)).to.equal(v >= lo && v <= hi);
                    }
                    expect(c(lo + 0.5)).to.match(/^is not a whole number/);
                }),
            );
        });
    });

    it("number: finite, inside the range, with the caller's wording", () => {
        const check = number(0.01, 60, "seconds from 0.01 to 60");
        expect(check(Infinity)).to.equal("is not a number: expected seconds from 0.01 to 60");
        expect(check("1")).to.equal("is not a number: expected seconds from 0.01 to 60");
        expect(check(0)).to.equal("is out of range: expected seconds from 0.01 to 60");
        expect(check(0.5)).to.equal(undefined);
    });

    it("boolean, nonEmptyString, matching, oneOf, optional, all", () => {
        expect(boolean("true")).to.equal("is not a boolean: expected true or false");
        expect(boolean(false)).to.equal(undefined);
        expect(nonEmptyString("a host name")("")).to.equal("is empty: expected a host name");
        expect(nonEmptyString("a host name")(3)).to.equal("is not a string: expected a host name");
        const id = matching(/^vpc-[0-9a-f]+$/, "a VPC id such as vpc-0abc");
        expect(id("")).to.equal("is empty: expected a VPC id such as vpc-0abc");
        expect(id("subnet-1")).to.equal("is not a VPC id such as vpc-0abc");
        expect(id("vpc-0abc")).to.equal(undefined);
        expect(oneOf(["16", "17"])(17)).to.equal('is not one of "16", "17"');
        expect(oneOf(["16", "17"])("17")).to.equal(undefined);
        expect(optional(integer(1, 2))(undefined)).to.equal(undefined);
        expect(optional(integer(1, 2))(3)).to.equal("is out of range: expected an integer from 1 to 2");
        expect(all(integer(0, 10), (v) => ((v as number) % 2 ? "is odd" : undefined))(3)).to.equal("is odd");
    });

    it("logRetentionDays: CloudWatch Logs' list, one message", () => {
        expect(logRetentionDays(7)).to.equal(undefined);
        expect(logRetentionDays(3653)).to.equal(undefined);
        expect(logRetentionDays(10)).to.equal(
            "is not a CloudWatch Logs retention: expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        );
        expect(logRetentionDays("7")).to.be.a("string");
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 4000 }), (d) => {
                expect(logRetentionDays(d) === undefined).to.equal(
                    (LOG_RETENTION_DAYS as readonly number[]).includes(d),
                );
            }),
        );
    });

    describe("kmsKeyArn: one rule on aliases", () => {
        it("key ARNs only by default: an alias (ARN or name) is named as such", () => {
            const check = kmsKeyArn();
            expect(check(KEY)).to.equal(undefined);
            expect(check(MRK)).to.equal(undefined);
            expect(check("arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd")).to.equal(undefined);
            expect(check(ALIAS)).to.equal("is a KMS alias: pass the key ARN (arn:aws:kms:<region>:<account>:key/<id>)");
            expect(check("alias/aws/rds")).to.equal(
                "is a KMS alias: pass the key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
            );
            expect(check("1234abcd-12ab-34cd-56ef-1234567890ab")).to.equal(
                "is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
            );
            expect(check("arn:aws:kms:us-east-1:1234:key/k")).to.equal(
                "is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
            );
            expect(kmsKeyArn({ why: "which the function's IAM policy must name" })(ALIAS)).to.equal(
                "is a KMS alias: pass the key ARN (arn:aws:kms:<region>:<account>:key/<id>), which the function's IAM policy must name",
            );
        });
        it("aliases: true accepts alias ARNs, never bare names", () => {
            const check = kmsKeyArn({ aliases: true });
            expect(check(KEY)).to.equal(undefined);
            expect(check(ALIAS)).to.equal(undefined);
            expect(check("alias/app")).to.equal(
                "is not a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id> or arn:aws:kms:<region>:<account>:alias/<name>)",
            );
        });
    });

    it("iamPolicyArn: customer and AWS managed policy ARNs, with paths, in every partition", () => {
        const NOT = "is not an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)";
        for (const ok of [
            "arn:aws:iam::123456789012:policy/deploy-boundary-1a2b3c4",
            "arn:aws:iam::123456789012:policy/boundaries/team+ops=1,2.x@y_z",
            "arn:aws:iam::aws:policy/PowerUserAccess",
            "arn:aws-us-gov:iam::123456789012:policy/b",
            "arn:aws-cn:iam::123456789012:policy/b",
        ]) {
            expect(iamPolicyArn(ok), ok).to.equal(undefined);
        }
        for (const bad of [
            "deploy-boundary",
            "arn:aws:iam::123456789012:role/deploy-boundary",
            "arn:aws:iam::1234:policy/b",
            "arn:aws:iam:us-east-1:123456789012:policy/b",
            "arn:aws:iam::123456789012:policy/",
            "arn:aws:iam::123456789012:policy/a b",
            `arn:aws:iam::123456789012:policy/${"a".repeat(129)}`,
            "arn:aws:iam::123456789012:policy/b\n",
            42,
            undefined,
        ]) {
            expect(iamPolicyArn(bad), String(bad)).to.equal(NOT);
        }
    });

    it("email and host name", () => {
        expect(email("ops@example.com")).to.equal(undefined);
        expect(email("ops@example")).to.equal("is not a valid email address");
        expect(isEmailAddress(`${"a".repeat(250)}@b.io`)).to.equal(false);
        expect(hostName("app.example.com")).to.equal(undefined);
        expect(hostName("App.example.com")).to.equal("is not a valid DNS host name");
        expect(hostName("-a.example.com")).to.equal("is not a valid DNS host name");
        expect(hostName(`${"a".repeat(64)}.com`)).to.equal("is not a valid DNS host name");
    });

    describe("tags as AWS enforces them", () => {
        it("refuses the aws: prefix in any case, long keys and values, bad and control characters", () => {
            expect(tagProblems({ team: "web", "cost-center": "42", "a b": "c d" })).to.deep.equal([]);
            expect(
                tagProblems({
                    "AWS:owner": "x",
                    ["k".repeat(129)]: "v",
                    long: "v".repeat(257),
                    "semi;colon": "x",
                    tab: "a\tb",
                    n: 5,
                    "": "empty",
                }),
            ).to.deep.equal([
                'tag "AWS:owner" starts with "aws:", a prefix AWS reserves for its own tags',
                `tag "${"k".repeat(129)}" has a key of 129 characters: expected at most 128`,
                'tag "long" has a value of 257 characters: expected at most 256',
                'tag "semi;colon" has a key that contains a character AWS refuses in a tag key: expected letters, digits, spaces and _ . : / = + - @',
                'tag "tab" has a value that contains a control character: expected letters, digits, spaces and _ . : / = + - @',
                'tag "n" has value 5: expected a string',
                "has an empty tag key: expected 1 to 128 characters",
            ]);
            expect(tagProblems(["a"])).to.deep.equal(["is not a map of tag keys to string values"]);
            expect(tagProblems(undefined)).to.deep.equal([]);
        });
        it("counts at most 50 tags, the component's Name tag included", () => {
            const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
            expect(tagProblems(tags(49))).to.deep.equal([]);
            expect(tagProblems(tags(50))).to.deep.equal([
                "has 51 tags: AWS allows at most 50 per resource (the Name tag the component adds included)",
            ]);
            expect(tagProblems(tags(50), [])).to.deep.equal([]);
            expect(tagProblems({ ...tags(49), Name: "mine" })).to.deep.equal([]);
            expect(MAX_TAGS).to.equal(50);
        });
        it("accepts every map of allowed characters within the limits", () => {
            const text = (max: number) =>
                fc.stringMatching(new RegExp(`^[A-Za-z0-9 _.:/=+@é-]{1,${max}}$`)).filter((k) => !/^aws:/i.test(k));
            fc.assert(
                fc.property(fc.dictionary(text(128), text(256), { maxKeys: 49 }), (tags) => {
                    expect(tagProblems(tags)).to.deep.equal([]);
                }),
            );
        });
        it("checkTags records each problem under the caller's key", () => {
            const p = new Problems("X");
            expect(checkTags(p, "aws-webapp:tags", { "aws:x": "1" })).to.equal(false);
            expect(() => p.throwIfAny()).to.throw(
                ValidationError,
                'X: invalid value:\n  - aws-webapp:tags: tag "aws:x" starts with "aws:", a prefix AWS reserves for its own tags',
            );
        });
    });

    describe("regions", () => {
        it("knows each region's zone count", () => {
            expect(regionInfo("us-east-1")).to.deep.equal({
                region: "us-east-1",
                name: "US East (N. Virginia)",
                zones: 6,
            });
            expect(regionInfo("us-west-1")?.zones).to.equal(2);
            expect(regionInfo("us-east-7")).to.equal(undefined);
            expect(regionInfo("toString")).to.equal(undefined);
            expect(REGIONS).to.include.members(["eu-west-1", "ap-southeast-2", "sa-east-1"]);
            for (const r of REGIONS) expect(regionInfo(r)!.zones, r).to.be.within(2, 6);
        });
        it("awsRegion and zonesOf", () => {
            expect(awsRegion("eu-central-1")).to.equal(undefined);
            expect(awsRegion("eu-centrl-1")).to.equal(
                "is not an AWS region such as us-east-1 (see components/shared/data/regions.json)",
            );
            expect(zonesOf("us-west-1")(3)).to.equal("is more than the 2 availability zones of us-west-1");
            expect(zonesOf("us-west-1")(2)).to.equal(undefined);
            expect(zonesOf("nowhere-1")(9)).to.equal(undefined);
        });
    });

    describe("instance types and DB classes (one data table)", () => {
        it("looks up vCPUs, memory and ENIs", () => {
            expect(instanceTypeInfo("t4g.small")).to.deep.equal({
                instanceType: "t4g.small",
                family: "t4g",
                size: "small",
                architecture: "arm64",
                vcpu: 2,
                memoryMiB: 2048,
                maxEnis: 3,
            });
            expect(instanceTypeInfo("t4g.micro")).to.include({ memoryMiB: 1024, maxEnis: 2 });
            expect(instanceTypeInfo("m5.4xlarge")).to.include({ vcpu: 16, memoryMiB: 65536, maxEnis: 8 });
            expect(instanceTypeInfo("c7g.medium")).to.include({ vcpu: 1, memoryMiB: 2048, maxEnis: 2 });
            expect(instanceTypeInfo("t4g.huge")).to.equal(undefined);
            expect(instanceTypeInfo("constructor.small")).to.equal(undefined);
            expect(dbInstanceClassInfo("db.t4g.micro")).to.deep.equal({
                instanceClass: "db.t4g.micro",
                family: "db.t4g",
                size: "micro",
                architecture: "arm64",
                vcpu: 2,
                memoryMiB: 1024,
            });
            expect(dbInstanceClassInfo("db.r6g.large")).to.include({ vcpu: 2, memoryMiB: 16384 });
            expect(dbInstanceClassInfo("t4g.micro")).to.equal(undefined);
        });
        it("every entry is consistent (memory per vCPU of the family's class, ENIs ≥ 2)", () => {
            for (const t of INSTANCE_TYPES) {
                const i = instanceTypeInfo(t)!;
                expect(i.maxEnis, t).to.be.within(2, 15);
                expect(i.memoryMiB % 512, t).to.equal(0);
                if (/^m\d/.test(i.family)) expect(i.memoryMiB / i.vcpu, t).to.equal(4096);
                if (/^c\d/.test(i.family)) expect(i.memoryMiB / i.vcpu, t).to.equal(2048);
                if (/^r\d/.test(i.family)) expect(i.memoryMiB / i.vcpu, t).to.equal(8192);
                expect(i.architecture, t).to.equal(/^[a-z]\dg/.test(i.family) ? "arm64" : "x86_64");
            }
            for (const c of DB_INSTANCE_CLASSES) expect(dbInstanceClassInfo(c), c).to.not.equal(undefined);
        });
        it("instanceType and dbInstanceClass name the family's sizes or the known families", () => {
            expect(instanceType("t4g.small")).to.equal(undefined);
            expect(instanceType("t4g.huge")).to.equal(
                "is not an EC2 instance type: t4g comes in nano, micro, small, medium, large, xlarge, 2xlarge",
            );
            expect(instanceType("q9.large")).to.match(
                /^is not an EC2 instance type such as t4g\.small \(known families: t2, t3, .*; see components\/shared\/data\/instanceTypes\.json\)$/,
            );
            expect(dbInstanceClass("db.t4g.micro")).to.equal(undefined);
            expect(dbInstanceClass("db.t4g.nano")).to.equal(
                "is not an RDS DB instance class: db.t4g comes in micro, small, medium, large, xlarge, 2xlarge",
            );
            expect(dbInstanceClass("t4g.micro")).to.match(/^is not an RDS DB instance class such as db\.t4g\.micro/);
        });
        it("architecture from the table, else from the family name", () => {
            expect(
                ["t4g.small", "m7g.large", "c7gn.xlarge", "r8gd.2xlarge", "db.t4g.micro"].map(
                    architectureOfInstanceType,
                ),
            ).to.deep.equal(["arm64", "arm64", "arm64", "arm64", "arm64"]);
            expect(
                ["t3.small", "m5.large", "g5.xlarge", "inf2.xlarge", "c6i.large"].map(architectureOfInstanceType),
            ).to.deep.equal(["x86_64", "x86_64", "x86_64", "x86_64", "x86_64"]);
        });
    });

    describe("Problems.check / checkEach", () => {
        it("records key, value and message; lists report each bad element", () => {
            const p = new Problems('C "x"');
            expect(p.check("size", 9, integer(1, 5))).to.equal(false);
            expect(p.check("size", 3, integer(1, 5))).to.equal(true);
            expect(p.checkEach("emails", ["a@b.io", "nope"], email, "email addresses", 1)).to.equal(false);
            expect(p.checkEach("emails", "a@b.io", email, "email addresses")).to.equal(false);
            expect(() => p.throwIfAny()).to.throw(
                [
                    'C "x": invalid values:',
                    "  - size: 9 is out of range: expected an integer from 1 to 5",
                    '  - emails: ["a@b.io","nope"] has too many entries: expected at most 1 email addresses',
                    '  - emails[1]: "nope" is not a valid email address',
                    '  - emails: "a@b.io" is not a list: expected a list of email addresses',
                ].join("\n"),
            );
        });
    });

    it("fromCheck: the stack schema reports the check's own message", () => {
        const schema = fromCheck<number>(integer(1, 5)).default(2);
        expect(schema.parse(undefined)).to.equal(2);
        expect(schema.parse(4)).to.equal(4);
        const r = schema.safeParse(7);
        expect(r.success).to.equal(false);
        expect(r.error!.issues.map((i) => i.message)).to.deep.equal([
            "is out of range: expected an integer from 1 to 5",
        ]);
    });
});
