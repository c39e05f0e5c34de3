/** EcsCluster and Ec2Capacity through the public entry point: a cluster with or without its default capacity. */
import { failsBeforeRegistering, mocksReady, record, type Recording, valueOf } from "./harness/mocks";
import { expect } from "chai";
import { Ec2Capacity, EcsCluster } from "../components";

const SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];
const T = {
    cluster: "aws:ecs/cluster:Cluster",
    cp: "aws:ecs/capacityProvider:CapacityProvider",
    ccp: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    asg: "aws:autoscaling/group:Group",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
};

describe("EcsCluster", () => {
    before(() => mocksReady);

    describe("with its default capacity", () => {
        let rec: Recording;
        let cluster: EcsCluster;
        before(async () => {
            rec = await record(
                () =>
                    (cluster = new EcsCluster("app", {
                        containerInsights: "disabled",
                        capacity: { vpcId: "vpc-1", subnetIds: SUBNETS, instanceType: "t4g.small", maxInstances: 3 },
                        tags: { Team: "web" },
                    })),
            );
        });

        it("is an EcsCluster holding the cluster and an Ec2Capacity of the same name, nothing aliased", () => {
            const root = rec.one("aws-webapp:index:EcsCluster");
            const capacity = rec.one("aws-webapp:index:Ec2Capacity");
            expect(capacity.parent).to.equal(root.urn);
            expect(rec.one(T.cluster).parent).to.equal(root.urn);
            expect(rec.one(T.asg).parent).to.equal(capacity.urn);
            expect(
                rec.resources.every((r) => r.aliases.every((a) => a.parentUrn === undefined || a.type !== undefined)),
            ).to.equal(true);
        });

        it("sets Container Insights and makes the capacity provider the cluster's default strategy", () => {
            expect(rec.one(T.cluster).inputs.settings).to.deep.equal([
                { name: "containerInsights", value: "disabled" },
            ]);
            const cp = rec.one(T.cp);
            expect(cp.inputs.autoScalingGroupProvider.managedScaling).to.include({
                status: "ENABLED",
                targetCapacity: 100,
                maximumScalingStepSize: 3,
            });
            expect(rec.one(T.ccp).inputs).to.deep.include({
                clusterName: rec.one(T.cluster).state.name ?? rec.one(T.cluster).inputs.name,
                capacityProviders: [cp.state.name ?? cp.inputs.name],
            });
            expect(rec.one(T.asg).inputs).to.include({ minSize: 1, maxSize: 3, protectFromScaleIn: true });
            expect(rec.one(T.lt).inputs.metadataOptions).to.include({
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
            });
        });

        it("passes its tags to the capacity and outputs what services need", async () => {
            expect(rec.one(T.lt).inputs.tags).to.include({ Team: "web", Name: "app-lt" });
            expect(await valueOf(cluster.clusterArn)).to.equal(rec.one(T.cluster).state.arn);
            expect(await valueOf(cluster.capacityProviderName)).to.be.a("string").and.not.empty;
            expect(await valueOf(cluster.instanceSecurityGroupId)).to.match(/^sg-/);
        });
    });

    it("without capacity: only the cluster, Container Insights on by default, capacity outputs undefined", async () => {
        let cluster: EcsCluster;
        const rec = await record(() => (cluster = new EcsCluster("bare", {})));
        expect(rec.resources.map((r) => r.type).sort()).to.deep.equal(
            ["aws-webapp:index:EcsCluster", T.cluster].sort(),
        );
        expect(rec.one(T.cluster).inputs.settings).to.deep.equal([{ name: "containerInsights", value: "enabled" }]);
        expect(await valueOf(cluster!.capacityProviderName)).to.equal(undefined);
    });

    it("refuses bad values before registering, the capacity's under capacity.*", async () => {
        const message = await failsBeforeRegistering(
            () =>
                new EcsCluster("app", {
                    containerInsights: "on" as never,
                    capacity: {
                        vpcId: "vpc-1",
                        subnetIds: SUBNETS,
                        instanceType: "t4g.small",
                        minInstances: 3,
                        maxInstances: 2,
                    },
                }),
        );
        expect(message.split("\n")[0]).to.equal('EcsCluster "app": invalid values:');
        expect(message).to.contain('containerInsights: "on" is not one of "enabled", "enhanced", "disabled"');
        expect(message).to.contain("capacity.minInstances: 3 is greater than maxInstances (2)");
    });
});

describe("Ec2Capacity", () => {
    before(() => mocksReady);

    it("alone, joins the named cluster: user data, its own default strategy, spot through a mixed-instances policy", async () => {
        const rec = await record(
            () =>
                new Ec2Capacity("fleet", {
                    clusterName: "existing-cluster",
                    vpcId: "vpc-1",
                    subnetIds: SUBNETS,
                    instancePublicIp: true,
                    instanceType: "t4g.small",
                    additionalInstanceTypes: ["t4g.medium"],
                    onDemandPercentage: 0,
                }),
        );
        expect(rec.one("aws-webapp:index:Ec2Capacity").name).to.equal("fleet");
        const userData = Buffer.from(rec.one(T.lt).inputs.userData, "base64").toString("utf8");
        expect(userData).to.contain("ECS_CLUSTER=existing-cluster");
        expect(rec.one(T.lt).inputs.networkInterfaces[0].associatePublicIpAddress).to.equal("true");
        expect(rec.one(T.ccp).inputs.clusterName).to.equal("existing-cluster");
        const asg = rec.one(T.asg).inputs;
        expect(asg.launchTemplate).to.equal(undefined);
        expect(asg.mixedInstancesPolicy.instancesDistribution).to.include({ onDemandPercentageAboveBaseCapacity: 0 });
        expect(asg.mixedInstancesPolicy.launchTemplate.overrides.map((o: any) => o.instanceType)).to.deep.equal([
            "t4g.small",
            "t4g.medium",
        ]);
    });

    it("refuses an instance type of the other architecture and a bad subnet list, naming each", async () => {
        const message = await failsBeforeRegistering(
            () =>
                new Ec2Capacity("fleet", {
                    clusterName: "c",
                    vpcId: "vpc-1",
                    subnetIds: ["nope"],
                    instanceType: "t4g.small",
                    additionalInstanceTypes: ["t3.small"],
                }),
        );
        expect(message.split("\n")[0]).to.equal('Ec2Capacity "fleet": invalid values:');
        expect(message).to.contain('subnetIds.0: "nope" is not a subnet id');
        expect(message).to.contain('additionalInstanceTypes.0: "t3.small" is not an arm64 instance type');
    });
});
