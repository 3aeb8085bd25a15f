package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/skillpass/skillpass/wallet"
)

// EnvBackupPassphrase names the environment variable that supplies the
// backup passphrase, which is asked for separately from the wallet's.
const EnvBackupPassphrase = "SKILLPASS_BACKUP_PASSPHRASE"

// backupPassphrase gets the passphrase of a backup to read: from the
// environment or one prompt.
func backupPassphrase(env Env) ([]byte, error) {
	if p := env.Getenv(EnvBackupPassphrase); p != "" {
		return []byte(p), nil
	}
	return promptOnly(env, msgBackupPassPrompt)
}

// newBackupPassphrase gets the passphrase of a backup to write: from the
// environment as given, or asked twice; either way long enough.
func newBackupPassphrase(env Env) ([]byte, error) {
	return newSecret(env, EnvBackupPassphrase, func(p string) ([]byte, error) { return promptOnly(env, p) },
		fmt.Sprintf(msgNewBackupPassPrompt, minPassChars))
}

// promptOnly asks on the terminal, never reading SKILLPASS_PASSPHRASE.
func promptOnly(env Env, prompt string) ([]byte, error) {
	if env.Prompt == nil {
		return nil, &usageError{msg: msgNoBackupTTY, hint: msgNoBackupTTYHint}
	}
	p, err := env.Prompt(prompt)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	return bytes.TrimRight(p, "\r\n"), nil
}

func cmdBackup(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: msgNeedBackupOut, hint: msgBackupUsageHint}
	}
	out := o.args[0]
	if _, err := os.Lstat(out); err == nil {
		return &refusedError{&hinted{err: fmt.Errorf(msgBackupExists, out), hint: msgBackupExistsHint}}
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	pass, err := newBackupPassphrase(env)
	if err != nil {
		return err
	}
	n, err := w.Count()
	if err != nil {
		return err
	}
	// O_EXCL: never overwrite, even a file that appeared meanwhile. A
	// backup that fails half-way is removed, not left looking whole.
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return &refusedError{&hinted{err: fmt.Errorf(msgBackupExists, out), hint: msgBackupExistsHint}}
	}
	if err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	err = w.Backup(f, pass)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(out)
		return fmt.Errorf("write backup %s: %w", out, err)
	}
	fmt.Fprintf(env.Stdout, msgBackupDone, n, out)
	fmt.Fprint(env.Stdout, msgBackupKeepPass)
	return nil
}

func cmdRestore(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: msgNeedRestoreIn, hint: msgRestoreUsageHint}
	}
	in := o.args[0]
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf(msgReadFile, in, err)
	}
	defer f.Close()
	dir := o.walletDir()
	var (
		w   *wallet.Wallet
		rep wallet.RestoreReport
	)
	if wallet.Exists(dir) {
		if w, err = openWallet(o, env); err != nil {
			return err
		}
		defer w.Close()
		bpass, err := backupPassphrase(env)
		if err != nil {
			return err
		}
		if rep, err = w.Restore(f, bpass); err != nil {
			return restoreError(err)
		}
	} else {
		fmt.Fprintf(env.Stdout, msgRestoreNewWallet, dir)
		pass, err := newPassphrase(env)
		if err != nil {
			return err
		}
		bpass, err := backupPassphrase(env)
		if err != nil {
			return err
		}
		wo, err := o.walletOptions(env)
		if err != nil {
			return err
		}
		if w, rep, err = wallet.CreateFromBackup(dir, pass, f, bpass, wo); err != nil {
			return restoreError(err)
		}
		defer w.Close()
	}
	fmt.Fprintf(env.Stdout, msgRestoreDone, in, dir)
	fmt.Fprintf(env.Stdout, msgRestoreCounts, rep.Credentials.Added, rep.Credentials.Present,
		rep.Identities.Added, rep.Identities.Present, rep.Keys.Added, rep.Keys.Present,
		rep.Other.Added, rep.Other.Present, rep.Activity)
	return nil
}

// restoreError makes a damaged or too-new backup a refusal (exit 1); a
// wrong passphrase stays an error of use (exit 2), as for the wallet.
func restoreError(err error) error {
	if errors.Is(err, wallet.ErrBackupDamaged) || errors.Is(err, wallet.ErrBackupVersion) || errors.Is(err, wallet.ErrBackupTooLarge) {
		return &refusedError{err}
	}
	return err
}
