/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktapi trace events: /sys/kernel/tracing/events/ktapi/, or
 * perf record -e 'ktapi:*'.
 *
 * Events carry ids, never kernel pointers.  A file is named by its device
 * and, where it has one, the handle.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM ktapi

#if !defined(_KTAPI_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KTAPI_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(ktapi_line_open,
	    TP_PROTO(u32 device_id, u32 privileges, u32 api_version),
	    TP_ARGS(device_id, privileges, api_version),
	    TP_STRUCT__entry(__field(u32, device_id)
			     __field(u32, privileges)
			     __field(u32, api_version)),
	    TP_fast_assign(__entry->device_id = device_id;
			   __entry->privileges = privileges;
			   __entry->api_version = api_version;),
	    TP_printk("device=%u privileges=0x%x api_version=0x%08x",
		      __entry->device_id, __entry->privileges,
		      __entry->api_version)
);

TRACE_EVENT(ktapi_line_close,
	    TP_PROTO(u32 device_id, bool forced, u32 handles),
	    TP_ARGS(device_id, forced, handles),
	    TP_STRUCT__entry(__field(u32, device_id)
			     __field(bool, forced)
			     __field(u32, handles)),
	    TP_fast_assign(__entry->device_id = device_id;
			   __entry->forced = forced;
			   __entry->handles = handles;),
	    TP_printk("device=%u forced=%d handles=%u",
		      __entry->device_id, __entry->forced, __entry->handles)
);

/* A MONITOR file whose memory cgroup is full misses a call. */
TRACE_EVENT(ktapi_monitor_skipped,
	    TP_PROTO(u32 device_id, u32 call_id),
	    TP_ARGS(device_id, call_id),
	    TP_STRUCT__entry(__field(u32, device_id)
			     __field(u32, call_id)),
	    TP_fast_assign(__entry->device_id = device_id;
			   __entry->call_id = call_id;),
	    TP_printk("device=%u call_id=%u", __entry->device_id,
		      __entry->call_id)
);

DECLARE_EVENT_CLASS(ktapi_handle_class,
		    TP_PROTO(u32 device_id, u32 handle, u32 call_id,
			     u32 privilege),
		    TP_ARGS(device_id, handle, call_id, privilege),
		    TP_STRUCT__entry(__field(u32, device_id)
				     __field(u32, handle)
				     __field(u32, call_id)
				     __field(u32, privilege)),
		    TP_fast_assign(__entry->device_id = device_id;
				   __entry->handle = handle;
				   __entry->call_id = call_id;
				   __entry->privilege = privilege;),
		    TP_printk("device=%u handle=%u call_id=%u privilege=0x%x",
			      __entry->device_id, __entry->handle,
			      __entry->call_id, __entry->privilege)
);

DEFINE_EVENT(ktapi_handle_class, ktapi_handle_alloc,
	     TP_PROTO(u32 device_id, u32 handle, u32 call_id, u32 privilege),
	     TP_ARGS(device_id, handle, call_id, privilege)
);

DEFINE_EVENT(ktapi_handle_class, ktapi_handle_free,
	     TP_PROTO(u32 device_id, u32 handle, u32 call_id, u32 privilege),
	     TP_ARGS(device_id, handle, call_id, privilege)
);

/* SET_CALL_PRIVILEGE changed a handle's privilege to @privilege. */
DEFINE_EVENT(ktapi_handle_class, ktapi_call_privilege,
	     TP_PROTO(u32 device_id, u32 handle, u32 call_id, u32 privilege),
	     TP_ARGS(device_id, handle, call_id, privilege)
);

TRACE_EVENT(ktapi_call_state,
	    TP_PROTO(u32 call_id, u32 device_id, u32 old_state, u32 state,
		     u32 mode),
	    TP_ARGS(call_id, device_id, old_state, state, mode),
	    TP_STRUCT__entry(__field(u32, call_id)
			     __field(u32, device_id)
			     __field(u32, old_state)
			     __field(u32, state)
			     __field(u32, mode)),
	    TP_fast_assign(__entry->call_id = call_id;
			   __entry->device_id = device_id;
			   __entry->old_state = old_state;
			   __entry->state = state;
			   __entry->mode = mode;),
	    TP_printk("call_id=%u device=%u state=0x%x->0x%x mode=0x%x",
		      __entry->call_id, __entry->device_id,
		      __entry->old_state, __entry->state, __entry->mode)
);

TRACE_EVENT(ktapi_event_drop,
	    TP_PROTO(u32 type, u32 handle, u32 dropped),
	    TP_ARGS(type, handle, dropped),
	    TP_STRUCT__entry(__field(u32, type)
			     __field(u32, handle)
			     __field(u32, dropped)),
	    TP_fast_assign(__entry->type = type;
			   __entry->handle = handle;
			   __entry->dropped = dropped;),
	    TP_printk("type=%u handle=%u dropped=%u",
		      __entry->type, __entry->handle, __entry->dropped)
);

/* A request queued to a provider (type: KTAPI_PREQ_), and its end. */
TRACE_EVENT(ktapi_provider_request,
	    TP_PROTO(u32 provider_id, u32 type, u64 request_id, u32 call_id),
	    TP_ARGS(provider_id, type, request_id, call_id),
	    TP_STRUCT__entry(__field(u32, provider_id)
			     __field(u32, type)
			     __field(u64, request_id)
			     __field(u32, call_id)),
	    TP_fast_assign(__entry->provider_id = provider_id;
			   __entry->type = type;
			   __entry->request_id = request_id;
			   __entry->call_id = call_id;),
	    TP_printk("provider=%u type=%u request_id=%llu call_id=%u",
		      __entry->provider_id, __entry->type,
		      (unsigned long long)__entry->request_id,
		      __entry->call_id)
);

TRACE_EVENT(ktapi_provider_request_end,
	    TP_PROTO(u32 provider_id, u64 request_id, int result),
	    TP_ARGS(provider_id, request_id, result),
	    TP_STRUCT__entry(__field(u32, provider_id)
			     __field(u64, request_id)
			     __field(int, result)),
	    TP_fast_assign(__entry->provider_id = provider_id;
			   __entry->request_id = request_id;
			   __entry->result = result;),
	    TP_printk("provider=%u request_id=%llu result=%d",
		      __entry->provider_id,
		      (unsigned long long)__entry->request_id,
		      __entry->result)
);

#endif /* _KTAPI_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
