import { useState } from 'preact/hooks';
import { api, startSession } from '../store';
import { Alert, errorText, Field } from './common';

interface LoginResponse {
  accessToken: string;
  expiresIn: number;
}

export function AuthPage({ notice }: { notice?: string }) {
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [working, setWorking] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    setWorking(true);
    try {
      if (mode === 'signup') await api.post('/auth/signup', { email, name, password }, { auth: false });
      const res = await api.post<LoginResponse>('/auth/login', { email, password }, { auth: false });
      startSession(res.accessToken, res.expiresIn);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setWorking(false);
    }
  };

  return (
    <section class="card narrow" aria-labelledby="auth-title">
      <h1 id="auth-title">{mode === 'login' ? 'Log in' : 'Create an account'}</h1>
      {notice && <Alert kind={notice.startsWith('You are logged out') ? 'info' : 'warning'} id="login-notice">{notice}</Alert>}
      <form onSubmit={submit} noValidate={false}>
        <Field label="Email" name="email" type="email" autoComplete="email" value={email} onInput={setEmail} required />
        {mode === 'signup' && <Field label="Name" name="name" autoComplete="name" value={name} onInput={setName} required />}
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          value={password}
          onInput={setPassword}
          required
          hint={mode === 'signup' ? 'At least 8 characters.' : undefined}
        />
        <Alert>{error}</Alert>
        <button type="submit" class="primary" disabled={working}>
          {working ? 'One moment…' : mode === 'login' ? 'Log in' : 'Sign up'}
        </button>
      </form>
      <p class="switch">
        {mode === 'login' ? 'New here? ' : 'Already have an account? '}
        <button type="button" class="link" onClick={() => { setMode(mode === 'login' ? 'signup' : 'login'); setError(''); }}>
          {mode === 'login' ? 'Create an account' : 'Log in'}
        </button>
      </p>
    </section>
  );
}
