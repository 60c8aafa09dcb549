/* SPDX-License-Identifier: GPL-2.0 */
struct rfkill_event {
	__u32 idx;
};
