/**
 * The AMI of Ec2Capacity's launch template: read as a non-secret (the AWS
 * provider marks every `ssm.getParameter` value secret, so a preview would
 * show `[secret]`), and updated only deliberately (a pinned `amiId`; without
 * it the AMI read at creation is kept when AWS publishes the next one).
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { Ec2Capacity, type Ec2CapacityArgs } from "../components";
import { failsBeforeRegistering, mocksReady, record, type Recording } from "./harness/mocks";

const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const PARAMETER = "aws:ssm/getParameter:getParameter";
const base = (extra: Partial<Ec2CapacityArgs> = {}): Ec2CapacityArgs => ({
    clusterName: "shared",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0a1b2c3d4e5f60001"],
    instanceType: "t4g.small",
    ...extra,
});

/**
 * Records `fn` with the SSM parameter answered as the AWS provider answers it: `value` a secret,
 * `insecureValue` the same text in the clear. Returns the parameter names looked up.
 */
async function recordLikeTheProvider(fn: () => unknown): Promise<{ rec: Recording; lookups: string[] }> {
    const mocks = (pulumi.runtime as any).getMonitor().mocks as pulumi.runtime.Mocks;
    const original = mocks.call;
    const lookups: string[] = [];
    mocks.call = (args) => {
        const answer = original.call(mocks, args) as Record<string, unknown>;
        if (args.token !== PARAMETER) return answer;
        lookups.push(args.inputs.name);
        return {
            ...answer,
            value: { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: answer.value },
        };
    };
    try {
        return { rec: await record(fn), lookups };
    } finally {
        mocks.call = original;
    }
}

describe("Ec2Capacity AMI", () => {
    before(() => mocksReady);

    it("unpinned: the recommended AMI from AWS's parameter, not secret, then kept (ignoreChanges imageId)", async () => {
        const { rec, lookups } = await recordLikeTheProvider(() => new Ec2Capacity("cap", base()));
        expect(lookups).to.deep.equal(["/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"]);
        const lt = rec.one(LT);
        expect(lt.inputs.imageId).to.match(/^ami-[0-9a-f]{17}$/);
        // A secret value would make the whole launch template input secret: `[secret]` in previews.
        expect(lt.secretInputs).to.not.include("imageId");
        expect(lt.ignoreChanges).to.deep.equal(["imageId"]);
    });

    it("the test's provider stand-in does mark the parameter's value secret (the check above can fail)", async () => {
        let secret: boolean | undefined;
        const { lookups } = await recordLikeTheProvider(() => {
            const p = (require("@pulumi/aws") as typeof import("@pulumi/aws")).ssm.getParameterOutput({ name: "/x" });
            return pulumi.isSecret(p.value).then((s) => (secret = s));
        });
        expect(lookups).to.deep.equal(["/x"]);
        expect(secret).to.equal(true);
    });

    it("pinned amiId: that AMI, no parameter lookup, no ignoreChanges (changing it rolls the instances)", async () => {
        const { rec, lookups } = await recordLikeTheProvider(
            () => new Ec2Capacity("cap", base({ amiId: "ami-0123456789abcdef0" })),
        );
        expect(lookups).to.deep.equal([]);
        const lt = rec.one(LT);
        expect(lt.inputs.imageId).to.equal("ami-0123456789abcdef0");
        expect(lt.ignoreChanges).to.deep.equal([]);
        // The deliberate update: a new launch template version, replaced by a rolling instance refresh.
        const asg = rec.one("aws:autoscaling/group:Group").inputs;
        expect(asg.instanceRefresh.strategy).to.equal("Rolling");
        expect(asg.instanceRefresh.preferences.minHealthyPercentage).to.equal(100);
    });

    it("a malformed amiId is refused before anything is registered", async () => {
        const message = await failsBeforeRegistering(() => new Ec2Capacity("cap", base({ amiId: "ami-XYZ" })));
        expect(message).to.include('amiId: "ami-XYZ" is not an AMI id such as ami-0123456789abcdef0');
    });
});
