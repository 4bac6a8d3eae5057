//! Model-based property test of the task store: arbitrary operation sequences never change a
//! terminal task, only produce legal state sequences (for the store and for every subscriber),
//! and agree with a small reference model of the lifecycle and the bounds.

// Test code: unwrap is allowed here as clippy.toml allows it in #[test] functions.
#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    clippy::too_many_lines
)]

use std::sync::Arc;

use a2a_reference_agent::clock::ManualClock;
use a2a_reference_agent::defects::Defects;
use a2a_reference_agent::task::{
    Artifact, Message, Owner, Part, Role, StoreError, StoreLimits, Task, TaskEvent, TaskState,
    TaskStore,
};
use proptest::prelude::*;
use tokio::sync::broadcast::error::TryRecvError;

#[derive(Debug, Clone)]
enum Op {
    Create(u8),
    Message(u8, u8),
    Status(u8, TaskState),
    Artifact(u8, bool),
    Cancel(u8, u8),
    Subscribe(u8),
    Advance(u16),
}

fn state() -> impl Strategy<Value = TaskState> {
    prop::sample::select(TaskState::ALL.to_vec())
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<u8>().prop_map(Op::Create),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(t, o)| Op::Message(t, o)),
        5 => (any::<u8>(), state()).prop_map(|(t, s)| Op::Status(t, s)),
        2 => (any::<u8>(), any::<bool>()).prop_map(|(t, a)| Op::Artifact(t, a)),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(t, o)| Op::Cancel(t, o)),
        2 => any::<u8>().prop_map(Op::Subscribe),
        1 => any::<u16>().prop_map(Op::Advance),
    ]
}

fn owner(i: u8) -> Owner {
    Owner {
        tenant: format!("tenant-{}", i % 2),
        principal: String::new(),
    }
}

fn message(text: &str) -> Message {
    Message {
        message_id: text.to_owned(),
        context_id: None,
        task_id: None,
        role: Role::User,
        parts: vec![Part::text(text)],
        metadata: None,
        extensions: Vec::new(),
        reference_task_ids: Vec::new(),
    }
}

/// What the model knows of a task.
struct Model {
    id: String,
    owner: Owner,
    state: TaskState,
    /// The snapshot taken when the task became terminal.
    frozen: Option<Task>,
}

struct Watcher {
    task: usize,
    last: TaskState,
    events: tokio::sync::broadcast::Receiver<TaskEvent>,
}

const TTL_MS: i64 = 30_000;

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let limits = StoreLimits {
        max_live_tasks: 4,
        max_tasks: 6,
        terminal_ttl_ms: TTL_MS,
        max_history: 5,
        max_artifacts: 3,
        max_push_configs: 2,
        stream_buffer: 64,
    };
    let clock = Arc::new(ManualClock::new(1_000_000));
    let store = TaskStore::new(limits, clock.clone(), Defects::none());
    let mut tasks: Vec<Model> = Vec::new();
    let mut watchers: Vec<Watcher> = Vec::new();
    let pick = |i: u8, n: usize| (n > 0).then(|| usize::from(i) % n);

    for op in ops {
        match op {
            Op::Create(o) => {
                let live = tasks.iter().filter(|t| !t.state.is_terminal()).count();
                let (store_live, _) = store.counts();
                prop_assert_eq!(store_live, live);
                match store.create(&owner(*o), "ctx".into(), message("hello")) {
                    Ok(sub) => {
                        prop_assert!(live < limits.max_live_tasks);
                        tasks.push(Model {
                            id: sub.task.id.clone(),
                            owner: owner(*o),
                            state: TaskState::Submitted,
                            frozen: None,
                        });
                    }
                    Err(StoreError::Full { .. }) => {
                        let (_, total) = store.counts();
                        prop_assert!(live >= limits.max_live_tasks || total >= limits.max_tasks);
                    }
                    Err(e) => prop_assert!(false, "unexpected {e:?}"),
                }
            }
            Op::Message(t, o) => {
                let Some(i) = pick(*t, tasks.len()) else {
                    continue;
                };
                let visible = store.get(&tasks[i].owner, &tasks[i].id).is_some();
                let r = store.add_message(&owner(*o), &tasks[i].id, None, message("more"));
                match r {
                    Ok((_, before)) => {
                        prop_assert!(visible && owner(*o) == tasks[i].owner);
                        prop_assert_eq!(before, tasks[i].state);
                        prop_assert!(!before.is_terminal());
                    }
                    Err(StoreError::Terminal(s)) => {
                        prop_assert!(s.is_terminal() && s == tasks[i].state);
                    }
                    Err(StoreError::NotFound) => {
                        prop_assert!(!visible || owner(*o) != tasks[i].owner);
                    }
                    Err(e) => prop_assert!(false, "unexpected {e:?}"),
                }
            }
            Op::Status(t, s) => {
                let Some(i) = pick(*t, tasks.len()) else {
                    continue;
                };
                let visible = store.get(&tasks[i].owner, &tasks[i].id).is_some();
                match store.set_status(&tasks[i].id, *s, None) {
                    Ok(()) => {
                        prop_assert!(
                            tasks[i].state.can_move_to(*s),
                            "{:?} -> {:?}",
                            tasks[i].state,
                            s
                        );
                        tasks[i].state = *s;
                        if s.is_terminal() {
                            tasks[i].frozen = store.get(&tasks[i].owner, &tasks[i].id);
                        }
                    }
                    Err(StoreError::IllegalTransition { .. }) => {
                        prop_assert!(!tasks[i].state.can_move_to(*s));
                    }
                    Err(StoreError::NotFound) => prop_assert!(!visible),
                    Err(e) => prop_assert!(false, "unexpected {e:?}"),
                }
            }
            Op::Artifact(t, append) => {
                let Some(i) = pick(*t, tasks.len()) else {
                    continue;
                };
                let a = Artifact {
                    artifact_id: "a".into(),
                    name: None,
                    description: None,
                    parts: vec![Part::text("x")],
                    metadata: None,
                    extensions: Vec::new(),
                };
                let r = store.add_artifact(&tasks[i].id, a, *append, false);
                if tasks[i].state.is_terminal() {
                    prop_assert!(r.is_err());
                }
            }
            Op::Cancel(t, o) => {
                let Some(i) = pick(*t, tasks.len()) else {
                    continue;
                };
                let visible = store.get(&tasks[i].owner, &tasks[i].id).is_some();
                match store.cancel(&owner(*o), &tasks[i].id) {
                    Ok(task) => {
                        prop_assert!(!tasks[i].state.is_terminal());
                        prop_assert_eq!(task.status.state, TaskState::Canceled);
                        tasks[i].state = TaskState::Canceled;
                        tasks[i].frozen = Some(task);
                    }
                    Err(StoreError::NotCancelable(s)) => {
                        prop_assert!(s.is_terminal() && s == tasks[i].state);
                    }
                    Err(StoreError::NotFound) => {
                        prop_assert!(!visible || owner(*o) != tasks[i].owner);
                    }
                    Err(e) => prop_assert!(false, "unexpected {e:?}"),
                }
            }
            Op::Subscribe(t) => {
                let Some(i) = pick(*t, tasks.len()) else {
                    continue;
                };
                if let Ok(sub) = store.subscribe(&tasks[i].owner, &tasks[i].id) {
                    prop_assert_eq!(sub.task.status.state, tasks[i].state);
                    watchers.push(Watcher {
                        task: i,
                        last: sub.task.status.state,
                        events: sub.events,
                    });
                }
            }
            Op::Advance(ms) => clock.advance(i64::from(*ms) * 10),
        }

        // Every subscriber sees only legal moves, ending where the model is.
        for w in &mut watchers {
            loop {
                match w.events.try_recv() {
                    Ok(TaskEvent::Status(s)) => {
                        prop_assert!(
                            w.last.can_move_to(s.state),
                            "subscriber saw {:?} -> {:?}",
                            w.last,
                            s.state
                        );
                        w.last = s.state;
                    }
                    Ok(TaskEvent::Artifact { .. }) => prop_assert!(!w.last.is_terminal()),
                    Err(TryRecvError::Empty | TryRecvError::Closed) => break,
                    Err(TryRecvError::Lagged(_)) => prop_assert!(false, "a subscriber lagged"),
                }
            }
            prop_assert_eq!(w.last, tasks[w.task].state);
        }

        // Terminal tasks never change; they vanish only after their TTL (or eviction).
        for m in &tasks {
            let Some(frozen) = &m.frozen else { continue };
            if let Some(now) = store.get(&m.owner, &m.id) {
                prop_assert_eq!(&now, frozen);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn terminal_tasks_never_change_and_state_sequences_are_legal(ops in prop::collection::vec(op(), 1..80)) {
        run(&ops)?;
    }
}

#[test]
fn a_purged_terminal_task_is_gone_after_its_ttl() {
    let clock = Arc::new(ManualClock::new(0));
    let store = TaskStore::new(StoreLimits::default(), clock.clone(), Defects::none());
    let o = owner(0);
    let sub = store.create(&o, "c".into(), message("x")).unwrap();
    store
        .set_status(&sub.task.id, TaskState::Completed, None)
        .unwrap();
    let ttl = StoreLimits::default().terminal_ttl_ms;
    clock.advance(ttl - 1);
    assert!(store.get(&o, &sub.task.id).is_some());
    clock.advance(1);
    assert!(store.get(&o, &sub.task.id).is_none());
}
