import type { Config } from "../config.ts";

export const confirmUrl = (config: Config, token: string) => `${config.baseUrl}/confirm/${token}`;
export const manageUrl = (config: Config, token: string) => `${config.baseUrl}/manage/${token}`;
export const unsubscribeUrl = (config: Config, token: string) => `${config.baseUrl}/unsubscribe/${token}`;
export const dataUrl = (config: Config, token: string) => `${config.baseUrl}/data/${token}`;
export const feedbackUrl = (config: Config, token: string) => `${config.baseUrl}/feedback/${token}`;
