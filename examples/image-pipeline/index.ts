// ImagePipeline: uploads under uploads/ are resized into renders/ by a
// Lambda, which announces each rendition on an SNS topic (email here).
import { ImagePipeline } from "@aws-webapp/aws-webapp";

const images = new ImagePipeline("images", {
    renditionWidths: { thumbnail: 160, medium: 800, large: 1600 },
    notificationEmails: ["images@example.com"],
    logRetentionDays: 14,
});

export const bucketName = images.bucketName;
export const topicArn = images.topicArn;
export const functionName = images.functionName;
