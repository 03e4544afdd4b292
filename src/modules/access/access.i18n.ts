import { defineMessages } from '../../common/i18n/i18n.js';

defineMessages(
  {
    'owners.owner': 'Owner',
    'owners.ownerUser': 'Owner (user)',
    'owners.ownerGroup': 'Owner (group)',
    'owners.ownerHint': 'Leave both empty to own it yourself',
    'owners.group': 'group',
    'owners.shared': 'Shared with everyone',
    'owners.hiddenJob': 'hidden job',
  },
  {
    'owners.owner': '属主',
    'owners.ownerUser': '属主（用户）',
    'owners.ownerGroup': '属主（用户组）',
    'owners.ownerHint': '两者都留空则归自己所有',
    'owners.group': '用户组',
    'owners.shared': '对所有人共享',
    'owners.hiddenJob': '隐藏的任务',
  },
);
