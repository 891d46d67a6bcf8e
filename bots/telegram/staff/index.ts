// The staff desk: the utility's staff answer subscribers' letters from one Telegram group.
//   bot side:    staffDeskFeature({ staffChatId, groupPerMinute }) — installed by createTelegramBot when configured;
//   outbox side: createStaffDesk({ api: telegramBot.bot.api, core, logger, staffChatId, groupPerMinute }), handed to
//                createStaffDeliveryHandlers (bots/outbox/staff-deliveries.ts) and, as the answer reporter, to
//                createSubscriberDeliveryHandlers (bots/outbox/subscriber-deliveries.ts).
export { staffDeskFeature, staffDeskComposer, type StaffDeskFeatureOptions } from './feature.ts';
export { createStaffDesk, isThreadNotFound, type StaffDesk, type StaffDeskOptions } from './desk.ts';
export { staffCb } from './card.ts';
export { createGroupPacer, groupLimit, type GroupPacer } from './pacer.ts';
