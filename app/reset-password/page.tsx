/** "Forgot password": set a new password with a one-time reset code (no session needed). */
import { ResetPasswordForm } from '../_components/reset-password-form';

export default function ResetPasswordPage() {
  return <ResetPasswordForm />;
}
