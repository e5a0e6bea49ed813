/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - jvmm's tracepoints (TRACE_SYSTEM jvmm), for trace-cmd, perf
 * and /sys/kernel/tracing/events/jvmm/: VM entries, VM exits with their
 * reason, RIP and qualification, hypercalls, port I/O.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM jvmm

#if !defined(JVMM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define JVMM_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(jvmm_entry,
	TP_PROTO(unsigned int vm, unsigned int vcpu),
	TP_ARGS(vm, vcpu),
	TP_STRUCT__entry(
		__field(unsigned int, vm)
		__field(unsigned int, vcpu)
	),
	TP_fast_assign(
		__entry->vm = vm;
		__entry->vcpu = vcpu;
	),
	TP_printk("vm%u vcpu%u", __entry->vm, __entry->vcpu)
);

TRACE_EVENT(jvmm_exit,
	TP_PROTO(unsigned int vm, unsigned int vcpu, u32 reason,
		 unsigned long rip, unsigned long qualification),
	TP_ARGS(vm, vcpu, reason, rip, qualification),
	TP_STRUCT__entry(
		__field(unsigned int, vm)
		__field(unsigned int, vcpu)
		__field(u32, reason)
		__field(unsigned long, rip)
		__field(unsigned long, qualification)
	),
	TP_fast_assign(
		__entry->vm = vm;
		__entry->vcpu = vcpu;
		__entry->reason = reason;
		__entry->rip = rip;
		__entry->qualification = qualification;
	),
	TP_printk("vm%u vcpu%u reason %u rip 0x%lx qualification 0x%lx",
		  __entry->vm, __entry->vcpu, __entry->reason, __entry->rip,
		  __entry->qualification)
);

TRACE_EVENT(jvmm_hypercall,
	TP_PROTO(unsigned int vm, unsigned int vcpu, u64 nr, unsigned int cpl),
	TP_ARGS(vm, vcpu, nr, cpl),
	TP_STRUCT__entry(
		__field(unsigned int, vm)
		__field(unsigned int, vcpu)
		__field(u64, nr)
		__field(unsigned int, cpl)
	),
	TP_fast_assign(
		__entry->vm = vm;
		__entry->vcpu = vcpu;
		__entry->nr = nr;
		__entry->cpl = cpl;
	),
	TP_printk("vm%u vcpu%u nr %llu cpl %u", __entry->vm, __entry->vcpu,
		  __entry->nr, __entry->cpl)
);

TRACE_EVENT(jvmm_pio,
	TP_PROTO(unsigned int vm, unsigned int vcpu, u16 port, unsigned int size,
		 bool in, u32 value),
	TP_ARGS(vm, vcpu, port, size, in, value),
	TP_STRUCT__entry(
		__field(unsigned int, vm)
		__field(unsigned int, vcpu)
		__field(u16, port)
		__field(unsigned int, size)
		__field(bool, in)
		__field(u32, value)
	),
	TP_fast_assign(
		__entry->vm = vm;
		__entry->vcpu = vcpu;
		__entry->port = port;
		__entry->size = size;
		__entry->in = in;
		__entry->value = value;
	),
	TP_printk("vm%u vcpu%u %s port 0x%x size %u value 0x%x", __entry->vm,
		  __entry->vcpu, __entry->in ? "in" : "out", __entry->port,
		  __entry->size, __entry->value)
);

#endif /* JVMM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
