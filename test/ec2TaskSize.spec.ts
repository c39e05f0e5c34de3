/**
 * The EC2 launch type's task-size rule in the compute blocks: a task size is
 * judged by whether it fits the instance (memory minus the ECS agent's
 * reserve, vCPUs) and the tasks by what the instances can place (awsvpc: one
 * ENI per task), never by Fargate's CPU/memory table.
 */
import { failsBeforeRegistering, mocksReady, record } from "./harness/mocks";
import { expect } from "chai";
import * as fc from "fast-check";
import { EcsEc2Service } from "../components";
import { resolveEc2ServiceArgs } from "../components/ecs";
import { ECS_AGENT_RESERVE_MIB, placement } from "../components/ecs/placement";
import { resolveEcsEc2ServiceArgs } from "../components/patterns/ecsEc2ServiceArgs";
import { INSTANCE_TYPES, instanceTypeInfo } from "../components/shared/instanceTypes";

const SUBNETS = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"];

/** A pattern with a prebuilt image and an HTTP API (fast to register). */
function args(overrides: Record<string, unknown> = {}) {
    return {
        vpcId: "vpc-0123456789abcdef0",
        cidrBlock: "10.0.0.0/16",
        instanceSubnetIds: SUBNETS,
        serviceSubnetIds: SUBNETS,
        ingress: "httpApi" as const,
        image: "nginx:1.27",
        instanceType: "t4g.large",
        maxInstances: 1,
        minTasks: 1,
        desiredTasks: 1,
        maxTasks: 1,
        ...overrides,
    };
}

describe("compute blocks: the EC2 launch type's task size", () => {
    before(() => mocksReady);

    it("Ec2Service accepts 256 CPU units with 4096 MiB (illegal on Fargate, legal on EC2)", () => {
        const s = resolveEc2ServiceArgs("svc", {
            vpcId: "vpc-0123456789abcdef0",
            cidrBlock: "10.0.0.0/16",
            subnetIds: SUBNETS,
            cluster: { clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/c", clusterName: "c" },
            image: "nginx:1.27",
            taskCpu: 256,
            taskMemory: 4096,
        });
        expect(s).to.include({ taskCpu: 256, taskMemory: 4096 });
    });

    it("EcsEc2Service registers 256 CPU / 4096 MiB on a t4g.large (8 GiB)", async () => {
        const rec = await record(() => new EcsEc2Service("web", args({ taskCpu: 256, taskMemory: 4096 })));
        const td = rec.one("aws:ecs/taskDefinition:TaskDefinition");
        expect([td.inputs.cpu, td.inputs.memory]).to.deep.equal(["256", "4096"]);
        expect(td.inputs.requiresCompatibilities).to.deep.equal(["EC2"]);
    });

    it("refuses a task larger than its instance (memory minus the agent's reserve), registering nothing", async () => {
        const message = await failsBeforeRegistering(
            () => new EcsEc2Service("web", args({ instanceType: "t4g.small", taskCpu: 256, taskMemory: 2048 })),
        );
        expect(message).to.contain(
            `taskMemory: 2048 does not fit instanceType t4g.small: expected at most ${2048 - ECS_AGENT_RESERVE_MIB} MiB`,
        );
        const cpu = await failsBeforeRegistering(
            () => new EcsEc2Service("web", args({ instanceType: "t4g.small", taskCpu: 4096, taskMemory: 1024 })),
        );
        expect(cpu).to.contain("taskCpu: 4096 does not fit instanceType t4g.small: expected at most 2048 CPU units");
    });

    it("refuses more tasks than maxInstances can place (awsvpc: one ENI per task)", async () => {
        // t4g.micro: 2 ENIs, so one awsvpc task per instance.
        const message = await failsBeforeRegistering(
            () =>
                new EcsEc2Service(
                    "web",
                    args({ instanceType: "t4g.micro", taskCpu: 256, taskMemory: 512, maxInstances: 2, maxTasks: 3 }),
                ),
        );
        expect(message).to.contain(
            "maxTasks: 3 is more than maxInstances 2 instances of t4g.micro can place: at most 2 tasks",
        );
        expect(message).to.contain("awsvpc gives each task an ENI");
    });

    it("any size that fits an instance of the table passes; one MiB more is refused (property)", () => {
        const types = INSTANCE_TYPES.filter((t) => instanceTypeInfo(t)!.memoryMiB > ECS_AGENT_RESERVE_MIB + 128);
        fc.assert(
            fc.property(fc.constantFrom(...types), fc.integer({ min: 128, max: 4096 }), (type, cpu) => {
                const info = instanceTypeInfo(type)!;
                const fit = placement(info, Math.min(cpu, info.vcpu * 1024), 128).usableMemoryMiB;
                const base = args({
                    instanceType: type,
                    architecture: info.architecture,
                    taskCpu: Math.min(cpu, info.vcpu * 1024),
                });
                expect(() => resolveEcsEc2ServiceArgs("web", { ...base, taskMemory: fit })).to.not.throw();
                expect(() => resolveEcsEc2ServiceArgs("web", { ...base, taskMemory: fit + 1 })).to.throw(
                    /does not fit/,
                );
            }),
            { numRuns: 40 },
        );
    });
});
